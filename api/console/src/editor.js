// The console's SPARQL editor, bundled by build.sh into api/static/editor.js.
// CodeMirror 6 (MIT) with its legacy SPARQL mode for highlighting; completion of SPARQL
// keywords, the project's prefixed names and the ontology's classes and properties; a PREFIX
// line is added on demand when a completion or the "Add prefixes" command uses an undeclared one.
// Exposes window.WcokgEditor.create(textarea, options) -> {getValue, setValue, addPrefixes, focus}.
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";
import { keymap } from "@codemirror/view";

const KEYWORDS = [
  "SELECT", "DISTINCT", "REDUCED", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "FROM", "NAMED",
  "PREFIX", "BASE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "AS",
  "GROUP BY", "HAVING", "ORDER BY", "ASC", "DESC", "LIMIT", "OFFSET", "COUNT", "SUM", "MIN",
  "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "REGEX", "CONTAINS",
  "STRSTARTS", "LCASE", "UCASE", "BOUND", "IF", "COALESCE", "EXISTS", "NOT EXISTS", "IRI",
  "isIRI", "isLiteral", "DATATYPE", "YEAR", "NOW",
];

// The prefixes declared in a query text: {prefix: namespace}.
function declared(text) {
  const found = {};
  const re = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gi;
  let m;
  while ((m = re.exec(text)) !== null) { found[m[1] || ""] = m[2]; }
  return found;
}

// The prefixes a text uses in prefixed names (outside IRIs, strings and comments, roughly).
function used(text, known) {
  const stripped = text
    .replace(/#[^\n]*/g, "")
    .replace(/<[^>\s]*>/g, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, "");
  const found = new Set();
  const re = /(^|[\s(){}.;,\/^|!])([A-Za-z][\w-]*):(?=[\w-]|\s|$)/g;
  let m;
  while ((m = re.exec(stripped)) !== null) { if (known[m[2]]) { found.add(m[2]); } }
  return found;
}

// PREFIX lines for the known prefixes the text uses but does not declare.
function missingPrefixLines(text, known) {
  const have = declared(text);
  const lines = [];
  used(text, known).forEach((p) => { if (!(p in have)) { lines.push(`PREFIX ${p}: <${known[p]}>`); } });
  return lines;
}

function addPrefixes(view, known, extra) {
  let text = view.state.doc.toString();
  const have = declared(text);
  const wanted = new Set(missingPrefixLines(text, known));
  (extra || []).forEach((p) => { if (!(p in have) && known[p]) { wanted.add(`PREFIX ${p}: <${known[p]}>`); } });
  if (!wanted.size) { return false; }
  // After the last existing PREFIX/BASE line, else at the top.
  let at = 0;
  const re = /^\s*(PREFIX|BASE)\b[^\n]*\n?/gim;
  let m;
  while ((m = re.exec(text)) !== null) { if (m.index === at || text.slice(at, m.index).trim() === "") { at = m.index + m[0].length; } }
  let insert = Array.from(wanted).join("\n") + "\n";
  if (at > 0 && text[at - 1] !== "\n") { insert = "\n" + insert; }
  view.dispatch({ changes: { from: at, insert } });
  return true;
}

function completionSource(options) {
  const prefixes = options.prefixes || {};
  const terms = () => options.terms ? options.terms() : [];
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w-]*(:[\w-]*)?|\?[\w]*/);
    if (!word || (word.from === word.to && !context.explicit)) { return null; }
    const items = [];
    if (!word.text.startsWith("?")) {
      KEYWORDS.forEach((k) => items.push({ label: k, type: "keyword" }));
      Object.keys(prefixes).forEach((p) => items.push({ label: p + ":", type: "namespace", detail: prefixes[p] }));
      terms().forEach((t) => {
        items.push({
          label: t.name,
          type: t.kind === "class" ? "class" : "property",
          detail: t.label || "",
          info: t.comment || undefined,
          apply: (view, completion, from, to) => {
            view.dispatch({ changes: { from, to, insert: completion.label } });
            addPrefixes(view, prefixes, [completion.label.split(":")[0]]);
          },
        });
      });
    }
    return { from: word.from, options: items, validFor: /^[\w:-]*$/ };
  };
}

function create(textarea, options) {
  options = options || {};
  const prefixes = options.prefixes || {};
  const listeners = [];
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [completionSource(options)] }),
        keymap.of([
          { key: "Mod-Enter", run: () => { if (options.onRun) { options.onRun(); } return true; } },
          { key: "Mod-Shift-p", run: (v) => addPrefixes(v, prefixes) },
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            textarea.value = update.state.doc.toString();
            listeners.forEach((f) => f(textarea.value));
          }
        }),
        EditorView.contentAttributes.of({ "aria-label": textarea.getAttribute("aria-label") || "SPARQL query" }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.parentNode.insertBefore(view.dom, textarea.nextSibling);
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    addPrefixes: () => addPrefixes(view, prefixes),
    onChange: (f) => listeners.push(f),
    focus: () => view.focus(),
  };
}

window.WcokgEditor = { create, missingPrefixLines };
