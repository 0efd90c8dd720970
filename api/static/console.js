// Query console: the SPARQL editor (editor.js, a CodeMirror 6 build) and the named-query gallery.
// Queries are POSTed to /sparql with an Accept header chosen by the query form (SELECT/ASK:
// SPARQL results JSON; CONSTRUCT/DESCRIBE: N-Triples), shown as a table (and, for graphs or rows
// with two IRI columns, as a small graph). Download links name the format they give; a query too
// long for a URL is downloaded through a POST form. The query is kept in the URL fragment (when
// short) and in local storage, so a reload does not lose it. No inline script, no eval.
(function () {
  "use strict";
  var MAX_GET_URL = 2000; // longer queries go by POST (the server refuses very long URLs with 414)
  var STORAGE_KEY = "wcokg-console-query";
  var FORMATS = {
    SELECT: [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"], ["xml", "XML"]],
    ASK: [["json", "JSON"], ["xml", "XML"]],
    GRAPH: [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"], ["rdfxml", "RDF/XML"]]
  };
  var RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

  var status = document.getElementById("result-status");
  var table = document.getElementById("result-table");
  var downloads = document.getElementById("result-downloads");
  var downloadList = document.getElementById("download-list");
  var views = document.getElementById("result-views");
  var graphBox = document.getElementById("result-graph");
  var textarea = document.getElementById("sparql-query");
  var sparqlForm = document.getElementById("sparql-form");
  var formLabel = document.getElementById("query-form");
  var prefixes = {};
  try { prefixes = JSON.parse(sparqlForm.dataset.prefixes || "{}"); } catch (e) { prefixes = {}; }
  var terms = [];
  var editor = null;
  var lastGraph = null;

  function queryText() { return editor ? editor.getValue() : textarea.value; }
  function setQuery(text) { if (editor) { editor.setValue(text); } else { textarea.value = text; } remember(text); }

  // -- the query form, with comments, strings, IRIs and the prologue out of the way
  function queryForm(text) {
    var body = text
      .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''/g, " ")
      .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/<[^<>\s]*>/g, " ")
      .replace(/#[^\n]*/g, " ");
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(body);
    return m ? m[1].toUpperCase() : "SELECT";
  }
  function kindOf(form) { return form === "CONSTRUCT" || form === "DESCRIBE" ? "GRAPH" : form; }

  // -- keeping the query across reloads
  var saveTimer = null;
  function remember(text) {
    try { window.localStorage.setItem(STORAGE_KEY, text); } catch (e) { /* private mode */ }
    var hash = "#query=" + encodeURIComponent(text);
    history.replaceState(null, "", hash.length <= MAX_GET_URL ? hash : location.pathname + location.search);
    formLabel.textContent = queryForm(text) + " query";
  }
  function restored() {
    var m = /^#query=(.*)$/.exec(location.hash);
    if (m) { try { return decodeURIComponent(m[1]); } catch (e) { /* a broken fragment */ } }
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  // -- short names for IRIs
  function shorten(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && /^[\w.-]*$/.test(iri.slice(ns.length)) && (!best || ns.length > prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
  }
  function termText(t) {
    if (!t) { return ""; }
    if (t.type === "uri") { return shorten(t.value); }
    if (t.type === "bnode") { return "_:" + t.value; }
    return t.value + (t.lang ? "@" + t.lang : "");
  }

  // -- the table
  function show(columns, rows, cell) {
    var head = table.querySelector("thead");
    var body = table.querySelector("tbody");
    head.textContent = "";
    body.textContent = "";
    var tr = document.createElement("tr");
    columns.forEach(function (c) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = c;
      tr.appendChild(th);
    });
    head.appendChild(tr);
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      columns.forEach(function (c) {
        var td = document.createElement("td");
        var v = row[c];
        if (cell) { cell(td, v); } else { td.textContent = v === null || v === undefined ? "" : String(v); }
        r.appendChild(td);
      });
      body.appendChild(r);
    });
    table.hidden = false;
    graphBox.hidden = true;
  }
  function termCell(td, t) {
    if (t && t.type === "uri") {
      var a = document.createElement("a");
      a.href = t.value;
      a.textContent = shorten(t.value);
      a.title = t.value;
      td.appendChild(a);
    } else {
      td.textContent = termText(t);
    }
  }
  function counted(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function fail(text) {
    table.hidden = true;
    graphBox.hidden = true;
    downloads.hidden = true;
    views.hidden = true;
    status.textContent = "Error: " + text;
  }
  function problem(response) {
    return response.text().then(function (text) {
      try { var p = JSON.parse(text); return p.detail || p.title || text; } catch (e) { return text; }
    });
  }

  // -- N-Triples (what CONSTRUCT/DESCRIBE are asked for), one triple per line
  var NT_TERM = /\s*(<[^>]*>|_:[^\s]+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)/y;
  function unescapeNt(s) {
    return s.replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, function (_, u, U, c) {
      if (u || U) { return String.fromCodePoint(parseInt(u || U, 16)); }
      return { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f" }[c] || c;
    });
  }
  function ntTerm(token) {
    if (token[0] === "<") { return { type: "uri", value: unescapeNt(token.slice(1, -1)) }; }
    if (token[0] === "_") { return { type: "bnode", value: token.slice(2) }; }
    var m = /^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/.exec(token);
    return { type: "literal", value: unescapeNt(m[1]), lang: m[2], datatype: m[3] };
  }
  function parseNTriples(text) {
    var triples = [];
    text.split("\n").forEach(function (line) {
      line = line.trim();
      if (!line || line[0] === "#") { return; }
      var terms3 = [];
      NT_TERM.lastIndex = 0;
      for (var i = 0; i < 3; i++) {
        var m = NT_TERM.exec(line);
        if (!m) { return; }
        terms3.push(ntTerm(m[1]));
      }
      triples.push({ subject: terms3[0], predicate: terms3[1], object: terms3[2] });
    });
    return triples;
  }

  // -- a small graph: nodes on a circle (at most 60), labelled edges
  function drawGraph(edges) {
    var SVG = "http://www.w3.org/2000/svg";
    var names = [];
    var index = {};
    edges.forEach(function (e) {
      [e.from, e.to].forEach(function (n) { if (!(n.key in index) && names.length < 60) { index[n.key] = names.length; names.push(n); } });
    });
    var size = 640, cx = size / 2, cy = size / 2, radius = size / 2 - 110;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("class", "result-graph");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", counted(names.length, "node", "nodes") + ", " + counted(edges.length, "edge", "edges"));
    var at = names.map(function (_, i) {
      var a = 2 * Math.PI * i / Math.max(1, names.length) - Math.PI / 2;
      return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
    });
    edges.forEach(function (e) {
      var i = index[e.from.key], j = index[e.to.key];
      if (i === undefined || j === undefined) { return; }
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "edge");
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", at[i][0]); line.setAttribute("y1", at[i][1]);
      line.setAttribute("x2", at[j][0]); line.setAttribute("y2", at[j][1]);
      g.appendChild(line);
      if (e.label) {
        var t = document.createElementNS(SVG, "text");
        t.setAttribute("x", (at[i][0] + at[j][0]) / 2); t.setAttribute("y", (at[i][1] + at[j][1]) / 2);
        t.textContent = e.label;
        g.appendChild(t);
      }
      svg.appendChild(g);
    });
    names.forEach(function (n, i) {
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "node");
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", at[i][0]); c.setAttribute("cy", at[i][1]); c.setAttribute("r", 6);
      var title = document.createElementNS(SVG, "title");
      title.textContent = n.key;
      c.appendChild(title);
      var t = document.createElementNS(SVG, "text");
      t.setAttribute("x", at[i][0] + 9); t.setAttribute("y", at[i][1] + 4);
      t.textContent = n.label.length > 28 ? n.label.slice(0, 27) + "…" : n.label;
      g.appendChild(c); g.appendChild(t);
      svg.appendChild(g);
    });
    graphBox.textContent = "";
    graphBox.appendChild(svg);
  }
  function node(t) {
    var label = termText(t);
    if (t.type === "uri" && label === t.value) { label = t.value.replace(/[\/#]+$/, "").split(/[\/#]/).pop() || t.value; }
    return { key: t.type === "bnode" ? "_:" + t.value : t.value, label: label };
  }
  function setView(graph) {
    table.hidden = graph;
    graphBox.hidden = !graph;
    document.getElementById("show-table").setAttribute("aria-pressed", String(!graph));
    document.getElementById("show-graph").setAttribute("aria-pressed", String(graph));
    if (graph && lastGraph) { drawGraph(lastGraph); }
  }
  function offerGraph(edges) {
    lastGraph = edges && edges.length ? edges : null;
    views.hidden = !lastGraph;
    setView(false);
  }

  // -- download links: GET links for short queries, POST forms for long ones
  function setDownloads(kind, query) {
    downloadList.textContent = "";
    FORMATS[kind].forEach(function (f, i) {
      var url = "/sparql?query=" + encodeURIComponent(query) + "&format=" + f[0];
      var item;
      if (url.length <= MAX_GET_URL) {
        item = document.createElement("a");
        item.href = url;
        item.textContent = f[1];
      } else {
        item = document.createElement("form");
        item.method = "post";
        item.action = "/sparql?format=" + f[0];
        item.className = "download-form";
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "query";
        field.value = query;
        var button = document.createElement("button");
        button.type = "submit";
        button.textContent = f[1];
        item.appendChild(field);
        item.appendChild(button);
      }
      item.id = "download-" + f[0];
      item.setAttribute("data-format", f[0]);
      if (i) { downloadList.appendChild(document.createTextNode(" · ")); }
      downloadList.appendChild(item);
    });
    downloads.hidden = false;
  }
  function setNamedDownloads(url) {
    downloadList.textContent = "";
    var sep = url.indexOf("?") >= 0 ? "&" : "?";
    [["csv", "CSV"], ["json", "JSON"]].forEach(function (f, i) {
      var a = document.createElement("a");
      a.id = "download-" + f[0];
      a.setAttribute("data-format", f[0]);
      a.href = url + sep + "format=" + f[0];
      a.textContent = f[1];
      if (i) { downloadList.appendChild(document.createTextNode(" · ")); }
      downloadList.appendChild(a);
    });
    downloads.hidden = false;
  }

  // -- running a query
  function run() {
    var query = queryText();
    var form = queryForm(query);
    var kind = kindOf(form);
    remember(query);
    status.textContent = "Running " + form + "…";
    var accept = kind === "GRAPH" ? "application/n-triples" : "application/sparql-results+json";
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (response) {
      if (!response.ok) { return problem(response).then(fail); }
      if (kind === "GRAPH") {
        return response.text().then(function (text) {
          var triples = parseNTriples(text);
          show(["subject", "predicate", "object"], triples, termCell);
          offerGraph(triples.filter(function (t) { return t.object.type !== "literal" && t.predicate.value !== RDF_TYPE; }).map(function (t) {
            return { from: node(t.subject), to: node(t.object), label: shorten(t.predicate.value) };
          }));
          status.textContent = counted(triples.length, "triple", "triples") + " (" + form + ")";
          setDownloads(kind, query);
        });
      }
      return response.json().then(function (data) {
        if (typeof data.boolean === "boolean") {
          show(["boolean"], [{ boolean: String(data.boolean) }]);
          offerGraph(null);
          status.textContent = "ASK: " + data.boolean;
        } else {
          var columns = data.head.vars;
          var rows = data.results.bindings;
          show(columns, rows, termCell);
          var iriColumns = columns.filter(function (c) { return rows.length && rows.every(function (r) { return !r[c] || r[c].type === "uri"; }); });
          offerGraph(iriColumns.length >= 2 ? rows.filter(function (r) { return r[iriColumns[0]] && r[iriColumns[1]]; }).map(function (r) {
            return { from: node(r[iriColumns[0]]), to: node(r[iriColumns[1]]), label: "" };
          }) : null);
          status.textContent = counted(rows.length, "row", "rows");
        }
        setDownloads(kind, query);
      });
    }).catch(function (e) { fail(String(e)); });
  }

  if (sparqlForm) {
    var saved = restored();
    if (saved) { textarea.value = saved; }
    if (window.WcokgEditor) {
      editor = window.WcokgEditor.create(textarea, { prefixes: prefixes, terms: function () { return terms; }, onRun: run });
      editor.onChange(function (text) { clearTimeout(saveTimer); saveTimer = setTimeout(function () { remember(text); }, 300); });
    }
    formLabel.textContent = queryForm(queryText()) + " query";
    sparqlForm.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    document.getElementById("add-prefixes").addEventListener("click", function () {
      if (editor) { editor.addPrefixes(); } else {
        var lines = window.WcokgEditor ? window.WcokgEditor.missingPrefixLines(textarea.value, prefixes) : [];
        if (lines.length) { textarea.value = lines.join("\n") + "\n" + textarea.value; }
      }
      remember(queryText());
    });
    document.getElementById("show-table").addEventListener("click", function () { setView(false); });
    document.getElementById("show-graph").addEventListener("click", function () { setView(true); });
    // The ontology's classes and properties for completion, from a named query.
    fetch(sparqlForm.dataset.terms, { headers: { "Accept": "application/json" } }).then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (rows) {
      var byTerm = {};
      rows.forEach(function (row) {
        var t = byTerm[row.term] || (byTerm[row.term] = { name: shorten(row.term), kind: "property", label: "", comment: "" });
        if (row.p === RDF_TYPE && /#Class$/.test(row.o)) { t.kind = "class"; }
        if (/#label$/.test(row.p) && !t.label) { t.label = row.o; }
        if (/#comment$/.test(row.p) && !t.comment) { t.comment = row.o; }
      });
      terms = Object.keys(byTerm).map(function (k) { return byTerm[k]; });
      sparqlForm.setAttribute("data-terms-loaded", String(terms.length));
    }).catch(function () { /* completion without the ontology's terms */ });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.named-query-form"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (params.get(k) === "") { params.delete(k); } });
      var url = form.getAttribute("action") + (params.toString() ? "?" + params.toString() : "");
      status.textContent = "Running " + form.dataset.name + "…";
      fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
        if (!response.ok) { return problem(response).then(fail); }
        return response.json().then(function (rows) {
          var columns = rows.length ? Object.keys(rows[0]) : [];
          show(columns, rows);
          offerGraph(null);
          status.textContent = counted(rows.length, "row", "rows");
          setNamedDownloads(url);
          document.getElementById("results-h").scrollIntoView();
        });
      }).catch(function (e) { fail(String(e)); });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.load-query"), function (button) {
    button.addEventListener("click", function () {
      var pre = button.parentNode.querySelector("pre");
      setQuery(pre.textContent);
      if (editor) { editor.focus(); } else { textarea.focus(); }
      document.getElementById("editor-h").scrollIntoView();
    });
  });
})();
