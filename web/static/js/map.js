// The concept map: draws the server's network data with vis-network, with tooltips, a side panel,
// keyboard walking, a live region and search suggestions. Every text goes in with textContent.
"use strict";

(function () {
  function json(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function withLang(url, lang) {
    return lang === "en" ? url + (url.includes("?") ? "&" : "?") + "lang=en" : url;
  }

  // ---------------------------------------------------------------- legend swatches
  for (const swatch of document.querySelectorAll(".swatch[data-colour]")) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }

  // ---------------------------------------------------------------- search suggestions
  function suggest(input) {
    const list = document.getElementById(input.id + "-suggestions") || document.getElementById("search-suggestions");
    const lang = (json("map-strings") || {}).lang || "da";
    let timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const query = input.value.trim();
        if (!query) { list.replaceChildren(); return; }
        const response = await fetch(withLang("/api/search?q=" + encodeURIComponent(query), lang));
        const results = response.ok ? await response.json() : [];
        list.replaceChildren(...results.map(function (result) {
          const item = element("li");
          if (input.dataset.suggest === "navigate") {
            const link = element("a", result.label);
            link.href = result.url;
            item.appendChild(link);
          } else {
            const button = element("button", result.label);
            button.type = "button";
            button.addEventListener("click", function () { input.value = result.slug; list.replaceChildren(); });
            item.appendChild(button);
          }
          item.appendChild(element("span", " " + result.kind, "kind"));
          return item;
        }));
      }, 150);
    });
  }
  for (const input of document.querySelectorAll("input[data-suggest]")) suggest(input);

  // ---------------------------------------------------------------- the network
  const data = json("map-data");
  const strings = json("map-strings");
  const container = document.getElementById("map");
  if (!data || !container || !window.vis) return;
  const lang = strings.lang;
  const details = data.details;
  const pageBase = data.page_base || "";  // a standalone file links to the live pages

  function tooltip(slug) {
    const info = details[slug];
    const box = element("div", null, "tip");
    box.appendChild(element("strong", info.label));
    box.appendChild(element("div", info.kind, "kind"));
    const body = info.definition || info.source_text;
    if (body) box.appendChild(element("p", body.length > 280 ? body.slice(0, 279) + "…" : body));
    return box;
  }

  function edgeTip(edge) {
    const box = element("div", null, "tip");
    box.appendChild(element("strong", edge.label));
    if (edge.rationale) box.appendChild(element("p", edge.rationale));
    if (edge.source_text) box.appendChild(element("q", edge.source_text, "slide-sentence"));
    return box;
  }

  const nodes = new vis.DataSet(data.nodes.map(function (n) { return Object.assign({}, n, { title: tooltip(n.id) }); }));
  const edges = new vis.DataSet(data.edges.map(function (e) { return Object.assign({}, e, { title: edgeTip(e) }); }));
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  // The map's parts, for the browser tests and for anyone scripting the page.
  window.conceptgraphMap = { network: network, nodes: nodes, edges: edges, details: details, select: function (slug) { select(slug, true); openPanel(slug); } };
  network.once("afterDrawing", function () {
    document.body.dataset.mapReady = "true";
    window.mapReadyAt = performance.now();
  });

  // ---------------------------------------------------------------- side panel
  const panel = document.getElementById("panel");

  function section(title, text, tag) {
    const wrapper = element("section");
    wrapper.appendChild(element("h3", title));
    wrapper.appendChild(element(tag || "p", text));
    return wrapper;
  }

  function openPanel(slug) {
    const info = details[slug];
    if (!info || !panel) return;
    document.getElementById("panel-title").textContent = info.label;
    document.getElementById("panel-kind").textContent = info.kind;
    const body = document.getElementById("panel-body");
    body.replaceChildren();
    if (info.definition) body.appendChild(section(strings.definition, info.definition));
    if (info.source_text) body.appendChild(section(strings.source_text, info.source_text, "blockquote"));
    for (const column of info.columns || []) body.appendChild(section(column.name, column.value));
    if (info.section) body.appendChild(section(strings.section, info.section));
    if (info.texts.length) body.appendChild(section(strings.from_text, info.texts.map(function (t) { return t.label; }).join(", ")));
    if (info.authors.length) body.appendChild(section(strings.by, info.authors.map(function (a) { return a.label; }).join(", ")));
    if (info.note) body.appendChild(section(strings.note, info.note));
    document.getElementById("panel-page").href = withLang(pageBase + "/id/" + encodeURIComponent(slug), lang);
    document.getElementById("panel-focus").href = withLang(pageBase + "/map?focus=" + encodeURIComponent(slug) + "&depth=1", lang);
    panel.hidden = false;
  }

  const close = document.getElementById("panel-close");
  if (close) close.addEventListener("click", function () { panel.hidden = true; container.focus(); });

  // ---------------------------------------------------------------- focus, keyboard, announcements
  let current = null;
  const announce = document.getElementById("announce");

  function select(slug, move) {
    current = slug;
    network.selectNodes([slug]);
    if (move) network.focus(slug, { animation: false, locked: false });
    const summary = (data.summaries || {})[slug];
    announce.textContent = details[slug].label + (summary ? ": " + summary : "");
    for (const item of document.querySelectorAll("#node-list li[aria-current]")) item.removeAttribute("aria-current");
    const item = document.getElementById("item-" + slug);
    if (item) item.setAttribute("aria-current", "true");
  }

  const DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  function step(key) {
    const neighbours = network.getConnectedNodes(current);
    if (!neighbours.length) return;
    const positions = network.getPositions([current].concat(neighbours));
    const from = positions[current];
    const [dx, dy] = DIRECTIONS[key];
    let best = null;
    let bestScore = -Infinity;
    for (const slug of neighbours) {
      const vx = positions[slug].x - from.x;
      const vy = positions[slug].y - from.y;
      const length = Math.hypot(vx, vy) || 1;
      const score = (vx * dx + vy * dy) / length;
      if (score > bestScore) { bestScore = score; best = slug; }
    }
    if (best) select(best, true);
  }

  container.addEventListener("focus", function () {
    if (!current) select(data.focus && details[data.focus] ? data.focus : data.nodes[0].id, false);
  });
  container.addEventListener("keydown", function (event) {
    if (!current) return;
    if (event.key in DIRECTIONS) { event.preventDefault(); step(event.key); }
    else if (event.key === "Enter") { event.preventDefault(); openPanel(current); }
    else if (event.key === "Escape" && panel) { panel.hidden = true; }
  });
  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0], false); openPanel(params.nodes[0]); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) window.location.href = withLang(pageBase + "/map?focus=" + encodeURIComponent(params.nodes[0]) + "&depth=1", lang);
  });
  if (data.focus && details[data.focus]) {
    network.selectNodes([data.focus]);
  }
})();
