#!/bin/sh
# Rebuild api/static/editor.js (the console's SPARQL editor) from the npm registry's packages.
# Versions are pinned in package.json and package-lock.json; `npm ci` installs exactly those,
# esbuild bundles src/editor.js once (no eval, no CDN at run time), and the licences of every
# bundled package are gathered into api/static/editor.LICENSE.txt. Commit both outputs.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild src/editor.js --bundle --minify --format=iife --target=es2019 \
  --legal-comments=none --outfile=../static/editor.js
node licences.js > ../static/editor.LICENSE.txt
echo "built ../static/editor.js and ../static/editor.LICENSE.txt"
