// Query console: runs SPARQL against /sparql and named queries against /queries/{name},
// and shows the rows as a table with CSV/JSON download links. No external code.
(function () {
  "use strict";
  var status = document.getElementById("result-status");
  var table = document.getElementById("result-table");
  var downloads = document.getElementById("result-downloads");
  var csvLink = document.getElementById("download-csv");
  var jsonLink = document.getElementById("download-json");

  function show(columns, rows) {
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
        td.textContent = v === null || v === undefined ? "" : String(v);
        r.appendChild(td);
      });
      body.appendChild(r);
    });
    table.hidden = false;
    status.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
  }

  function fail(text) {
    table.hidden = true;
    downloads.hidden = true;
    status.textContent = "Error: " + text;
  }

  function problem(response) {
    return response.text().then(function (text) {
      try { var p = JSON.parse(text); return p.detail || p.title || text; } catch (e) { return text; }
    });
  }

  var sparqlForm = document.getElementById("sparql-form");
  if (sparqlForm) {
    sparqlForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = document.getElementById("sparql-query").value;
      status.textContent = "Running…";
      fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: new URLSearchParams({ query: query }).toString()
      }).then(function (response) {
        if (!response.ok) { return problem(response).then(fail); }
        return response.json().then(function (data) {
          if (typeof data.boolean === "boolean") { show(["boolean"], [{ boolean: data.boolean }]); }
          else {
            var columns = data.head.vars;
            var rows = data.results.bindings.map(function (b) {
              var row = {};
              columns.forEach(function (c) { row[c] = b[c] ? b[c].value : ""; });
              return row;
            });
            show(columns, rows);
          }
          var q = "/sparql?query=" + encodeURIComponent(query);
          csvLink.href = q + "&format=csv";
          jsonLink.href = q + "&format=json";
          downloads.hidden = false;
        });
      }).catch(function (e) { fail(String(e)); });
    });
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
          var sep = url.indexOf("?") >= 0 ? "&" : "?";
          csvLink.href = url + sep + "format=csv";
          jsonLink.href = url + sep + "format=json";
          downloads.hidden = false;
          document.getElementById("results-h").scrollIntoView();
        });
      }).catch(function (e) { fail(String(e)); });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.load-query"), function (button) {
    button.addEventListener("click", function () {
      var pre = button.parentNode.querySelector("pre");
      var target = document.getElementById(button.dataset.target);
      target.value = pre.textContent;
      target.focus();
    });
  });
})();
