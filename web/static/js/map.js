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
    if (lang !== "en") return url;
    const cut = url.includes("#") ? url.indexOf("#") : url.length;  // the fragment stays last
    const path = url.slice(0, cut);
    return path + (path.includes("?") ? "&" : "?") + "lang=en" + url.slice(cut);
  }

  // ---------------------------------------------------------------- legend swatches
  for (const swatch of document.querySelectorAll(".swatch[data-colour]")) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }

  // ---------------------------------------------------------------- search suggestions
  async function suggestions(query) {
    const lang = (json("map-strings") || {}).lang || "da";
    const response = await fetch(withLang("/api/search?q=" + encodeURIComponent(query), lang));
    return response.ok ? response.json() : [];
  }

  function debounced(callback) {
    let timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(callback, 150); };
  }

  // The search box: suggestions are links to the map focused on them.
  function suggestLinks(input) {
    const list = document.getElementById("search-suggestions");
    input.addEventListener("input", debounced(async function () {
      const query = input.value.trim();
      const results = query ? await suggestions(query) : [];
      list.replaceChildren(...results.map(function (result) {
        const item = element("li");
        const link = element("a", result.label);
        link.href = result.url;
        item.appendChild(link);
        item.appendChild(element("span", " " + result.kind, "kind"));
        return item;
      }));
    }));
  }
  for (const input of document.querySelectorAll("input[data-suggest=navigate]")) suggestLinks(input);

  // "Hvordan hænger X og Y sammen?": each field a WAI-ARIA combobox over the same search. The
  // person reads and types names; a hidden field carries the picked slug, so the URL keeps slugs.
  // Without this script the visible field is submitted and the server resolves the name.
  function combobox(input) {
    const list = document.getElementById(input.id + "-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.removeAttribute("aria-describedby");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels[0].textContent);
    list.hidden = true;
    const hidden = element("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = input.dataset.slug || input.value;
    input.removeAttribute("name");
    input.form.appendChild(hidden);
    let results = [];
    let active = -1;

    function show(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) { active = -1; input.removeAttribute("aria-activedescendant"); }
    }
    function activate(index) {
      active = index;
      for (const [i, option] of Array.from(list.children).entries()) option.setAttribute("aria-selected", i === index ? "true" : "false");
      if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function pick(index) {
      const result = results[index];
      input.value = result.label;
      hidden.value = result.slug;
      show(false);
    }
    function render() {
      list.replaceChildren(...results.map(function (result, index) {
        const option = element("li", null, "option");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(element("span", result.label));
        option.appendChild(element("span", " " + result.kind, "kind"));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
        return option;
      }));
      show(results.length > 0);
    }
    input.addEventListener("input", function () { hidden.value = input.value.trim(); });
    input.addEventListener("input", debounced(async function () {
      const query = input.value.trim();
      results = query ? await suggestions(query) : [];
      render();
    }));
    input.addEventListener("keydown", function (event) {
      const open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { if (results.length) { show(true); activate(event.key === "ArrowDown" ? 0 : results.length - 1); } return; }
        const step = event.key === "ArrowDown" ? 1 : -1;
        activate((active + step + results.length) % results.length);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        show(false);
      }
    });
    input.addEventListener("blur", function () { show(false); });
  }
  for (const input of document.querySelectorAll("input[data-suggest=fill]")) combobox(input);

  // ---------------------------------------------------------------- the network
  const data = json("map-data");
  const strings = json("map-strings");
  const container = document.getElementById("map");
  if (!data || !container || !window.vis) return;
  const lang = strings.lang;
  const details = data.details;
  const pageBase = data.page_base || "";  // a standalone file links to the live pages
  const NARROW_BELOW = 640;  // CSS px of map width
  const MIN_FONT_PX = 12.5;  // the smallest letters the overview draws (legible: 12)
  const EDGE_PX = 8;

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

  // The overview comes in two fixed arrangements from the server: blocks side by side, or stacked
  // for a narrow screen (a phone held upright).
  const narrow = data.narrow && container.clientWidth < NARROW_BELOW;
  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const at = narrow ? { x: data.narrow[n.id][0], y: data.narrow[n.id][1] } : {};
    return Object.assign({}, n, at, { title: tooltip(n.id) });
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) { return Object.assign({}, e, { title: edgeTip(e) }); }));
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  if (data.overview) legibleZoom();

  // The overview is read without zooming: if the whole of it would be drawn with letters smaller
  // than MIN_FONT_PX, it is drawn at that size instead, as wide as it fits, from its top; the
  // rest is a one-finger pan away.
  function legibleZoom() {
    network.fit({ animation: false });
    const size = data.options.nodes.font.size;
    if (network.getScale() * size >= MIN_FONT_PX) return;
    const boxes = data.nodes.map(function (n) { return network.getBoundingBox(n.id); });
    const left = Math.min(...boxes.map(function (b) { return b.left; }));
    const right = Math.max(...boxes.map(function (b) { return b.right; }));
    const top = Math.min(...boxes.map(function (b) { return b.top; }));
    const scale = Math.max(MIN_FONT_PX / size, Math.min(1, container.clientWidth / (right - left + 2 * EDGE_PX)));
    const centreY = top - EDGE_PX / scale + container.clientHeight / 2 / scale;
    network.moveTo({ position: { x: (left + right) / 2, y: centreY }, scale: scale, animation: false });
  }
  // The map's parts, for the browser tests and for scripts that add to the map (the reflections
  // layer): a node added with details[slug] gets its tooltip from `tooltip(slug)`.
  window.conceptgraphMap = {
    network: network, nodes: nodes, edges: edges, details: details, tooltip: tooltip,
    overview: Boolean(data.overview),
    select: function (slug) { select(slug, true); openPanel(slug); },
  };
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
    const opening = (data.open || {})[slug];
    const openLink = document.getElementById("panel-open");
    if (openLink) {
      openLink.hidden = !opening;
      if (opening) {
        openLink.firstElementChild.href = pageBase + opening.url;
        openLink.firstElementChild.textContent = strings.open_view.replace("{count}", opening.count);
      }
    }
    const page = pageOf(slug);
    document.getElementById("panel-page").hidden = !page;
    if (page) document.getElementById("panel-page").href = page;
    document.getElementById("panel-focus-part").hidden = !isCourse(slug);
    document.getElementById("panel-focus").href = focusOn(slug);
    panel.hidden = false;
  }

  // A node another script adds (a reflection of the "Mine refleksioner" layer) is no course
  // resource: its details name the page it opens (`opens`, or null), and it has no map view.
  function isCourse(slug) {
    return !(details[slug] && "opens" in details[slug]);
  }

  function pageOf(slug) {
    const own = isCourse(slug) ? pageBase + "/id/" + encodeURIComponent(slug) : details[slug].opens;
    return own ? withLang(own, lang) : null;
  }

  function focusOn(slug) {
    return withLang(pageBase + "/map?focus=" + encodeURIComponent(slug) + "&depth=1", lang);
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
    if (!params.nodes.length) return;
    const slug = params.nodes[0];
    const target = isCourse(slug) ? focusOn(slug) : pageOf(slug);
    if (target) window.location.href = target;
  });
  if (data.focus && details[data.focus]) {
    network.selectNodes([data.focus]);
  }
})();
