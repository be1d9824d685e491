// The query page: editor, examples, run, result table, permalink and downloads.
// Everything the server sends is shown with textContent: results are data, never markup.
"use strict";

(function () {
  const app = document.getElementById("query-app");
  if (!app) return;
  const endpoint = app.dataset.endpoint;
  const resourceBase = app.dataset.resourceBase;
  const lang = app.dataset.lang;
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const editor = window.CodeMirror
    ? window.CodeMirror.fromTextArea(textarea, { mode: "application/sparql-query", lineNumbers: true, viewportMargin: Infinity })
    : null;

  function getQuery() { return editor ? editor.getValue() : textarea.value; }
  function setQuery(text) { if (editor) editor.setValue(text); else textarea.value = text; updateLinks(); }

  function queryUrl(extra) {
    const params = new URLSearchParams({ query: getQuery() });
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return endpoint + "?" + params.toString();
  }

  function updateLinks() {
    document.getElementById("permalink").href = queryUrl(lang === "en" ? { lang: "en" } : {});
    for (const link of document.querySelectorAll("a.download")) {
      link.href = queryUrl({ format: link.dataset.format });
    }
  }

  function pageLink(iri) {
    if (iri.startsWith(resourceBase)) {
      const slug = iri.slice(resourceBase.length);
      return "/id/" + slug + (lang === "en" ? "?lang=en" : "");
    }
    return null;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const href = pageLink(term.value);
      const node = document.createElement(href ? "a" : "span");
      if (href) node.href = href;
      node.textContent = term.value;
      td.appendChild(node);
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) {
        const tag = document.createElement("span");
        tag.className = "lang";
        tag.textContent = "@" + term["xml:lang"];
        td.appendChild(tag);
      }
    }
    return td;
  }

  function showTable(data) {
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.appendChild(cell(binding[name]));
    }
    results.replaceChildren(table);
    const count = data.results.bindings.length + " " + app.dataset.textRows;
    status.textContent = data.truncated ? app.dataset.textTruncated + " (" + count + ")" : count;
    status.classList.toggle("truncated", Boolean(data.truncated));
  }

  function showText(text) {
    const pre = document.createElement("pre");
    pre.textContent = text;
    results.replaceChildren(pre);
  }

  async function run(event) {
    if (event) event.preventDefault();
    updateLinks();
    status.textContent = "…";
    status.classList.remove("truncated");
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: getQuery() }),
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const problem = type.includes("json") ? (await response.json()).error : await response.text();
      status.textContent = response.status + ": " + problem;
      results.replaceChildren();
    } else if (type.includes("sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) { showText(String(data.boolean)); status.textContent = ""; }
      else showTable(data);
    } else {
      showText(await response.text());
      status.textContent = (response.headers.get("X-Conceptgraph-Rows") || "") + " triples";
    }
  }

  document.getElementById("query-form").addEventListener("submit", run);
  document.getElementById("insert-prefixes").addEventListener("click", function () {
    setQuery(app.dataset.prefixes + "\n" + getQuery());
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", function () { setQuery(button.dataset.query); run(); });
  }
  if (editor) editor.on("change", updateLinks);
  updateLinks();
  if (app.dataset.autorun === "true") run();
})();
