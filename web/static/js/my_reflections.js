// The "Mine refleksioner" layer of the map (loaded for signed-in viewers only): a checkbox above
// the map that adds the viewer's reflections and the cohort's shared ones as nodes, linked to
// the question each answers and the resources it draws on. Off by default. Each node's details
// name the page the map opens for it instead of a map view (`opens`: on /me, or the resource page
// that lists it). Every text from a reflection goes into the page as textContent, never as
// markup.
(function () {
  "use strict";
  let tries = 0;

  function element(tag, text) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  function start() {
    const map = window.conceptgraphMap;
    const container = document.getElementById("map");
    if (!container) return;
    if (!map) { if (tries++ < 100) setTimeout(start, 100); return; }
    const lang = new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "da";
    fetch("/me/map-layer" + (lang === "en" ? "?lang=en" : ""), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (layer) { if (layer) offer(map, container, layer); });
  }

  function offer(map, container, layer) {
    const label = element("label");
    label.className = "map-layer-toggle";
    const box = element("input");
    box.type = "checkbox";
    box.id = "layer-my-reflections";
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + layer.label + " (" + layer.nodes.length + ")"));
    container.parentNode.parentNode.insertBefore(label, container.parentNode);
    box.addEventListener("change", function () { if (box.checked) show(map, layer); else hide(map, layer); });
  }

  function tip(title, text) {
    const box = element("div");
    box.className = "tip";
    box.appendChild(element("strong", title));
    if (text) box.appendChild(element("p", text));
    return box;
  }

  function show(map, layer) {
    const here = layer.edges.filter(function (e) { return map.nodes.get(e.to) !== null; });
    map.nodes.update(layer.nodes.map(function (n) {
      if (map.details) map.details[n.id] = { label: n.label, kind: layer.kind, definition: n.text, texts: [], authors: [], columns: [], opens: n.page };
      return { id: n.id, label: n.label, title: tip(layer.kind, n.text), shape: "box", color: n.mine ? "#fff3c4" : "#e3f1e6", reflection: true };
    }));
    map.edges.update(here.map(function (e, i) {
      return { id: "reflection-edge:" + i, from: e.from, to: e.to, title: tip(e.label), dashes: true, reflection: true };
    }));
    document.body.dataset.reflectionsLayer = "on";
  }

  function hide(map) {
    map.edges.remove(map.edges.getIds({ filter: function (e) { return e.reflection; } }));
    map.nodes.remove(map.nodes.getIds({ filter: function (n) { return n.reflection; } }));
    document.body.dataset.reflectionsLayer = "off";
  }

  start();
})();
