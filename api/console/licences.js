// Prints the name, version and licence text of every package bundled into editor.js
// (the production dependencies in package-lock.json), for api/static/editor.LICENSE.txt.
"use strict";
const fs = require("fs");
const path = require("path");
const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "package-lock.json"), "utf8"));
const out = ["The console's editor (api/static/editor.js) bundles these packages from the npm registry.", ""];
Object.keys(lock.packages).sort().forEach((where) => {
  const entry = lock.packages[where];
  if (!where || entry.dev) { return; }
  const dir = path.join(__dirname, where);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  out.push("=".repeat(72), `${meta.name} ${meta.version} (${meta.license})`, "=".repeat(72));
  out.push(file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : `License: ${meta.license}`, "");
});
process.stdout.write(out.join("\n") + "\n");
