// The "Mine refleksioner" layer of the map (loaded for signed-in viewers only): a checkbox above
// the map that adds the viewer's reflections and the cohort's shared ones as nodes, linked to
// the question each answers and the resources it draws on. Off by default. A view draws only part
// of the course, so the layer also adds, as the map draws them, the linked course nodes the view
// lacks, and takes them away again with the reflections. Each reflection's details name the page
// the map opens for it instead of a map view (`opens`: on /me, or the resource page that lists
// it). Every text from a reflection goes into the page as textContent, never as markup.
(function () {
  "use strict";
  const LAYER = "my-reflections";  // the mark on every node and edge the layer adds
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
    const query = new URLSearchParams();
    if (new URLSearchParams(window.location.search).get("lang") === "en") query.set("lang", "en");
    if (map.overview) query.set("overview", "1");  // the linked course nodes drawn as the overview draws
    const url = "/me/map-layer" + (query.toString() ? "?" + query : "");
    fetch(url, { headers: { Accept: "application/json" } })
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
    box.addEventListener("change", function () { if (box.checked) show(map, container, layer); else hide(map); });
  }

  function tip(title, text) {
    const box = element("div");
    box.className = "tip";
    box.appendChild(element("strong", title));
    if (text) box.appendChild(element("p", text));
    return box;
  }

  function show(map, container, layer) {
    const drawn = map.nodes.getIds();
    const lacking = Object.keys(layer.resources).filter(function (slug) { return map.nodes.get(slug) === null; });
    const waiting = map.network.getViewPosition();  // where new nodes are measured before they are placed
    const reflections = layer.nodes.map(function (n) {
      map.details[n.id] = { label: n.label, kind: layer.kind, definition: n.text, texts: [], authors: [], columns: [], opens: n.page };
      return { id: n.id, label: n.label, title: tip(layer.kind, n.text), shape: "box", color: n.mine ? "#fff3c4" : "#e3f1e6", layer: LAYER };
    });
    const course = lacking.map(function (slug) {
      map.details[slug] = layer.resources[slug].details;
      return Object.assign({}, layer.resources[slug].node, { title: map.tooltip(slug), layer: LAYER });
    });
    map.nodes.update(reflections.concat(course).map(function (n) { return Object.assign(n, waiting); }));
    map.edges.update(layer.edges.map(function (e, i) {
      return { id: "reflection-edge:" + i, from: e.from, to: e.to, title: tip(e.label), dashes: true, layer: LAYER };
    }));
    place(map, container, layer, drawn);
    document.body.dataset.reflectionsLayer = "on";
  }

  // Each reflection beside the nodes it links to that are already placed (their middle), or
  // beside the drawing where the camera looks when none is; the course nodes it brought next to
  // it; then the camera moves to show every reflection with all it links to.
  function place(map, container, layer, drawn) {
    const places = window.conceptgraphPlaces;
    const network = map.network;
    network.redraw();  // vis-network measures the new nodes' boxes as it draws them
    const boxes = {};
    for (const id of drawn) boxes[id] = network.getBoundingBox(id);
    const taken = Object.values(boxes);
    const links = {};
    for (const e of layer.edges) (links[e.from] = links[e.from] || []).push(e.to);
    const moves = [];

    function size(id) {
      const measured = network.getBoundingBox(id);
      return { width: measured.right - measured.left, height: measured.bottom - measured.top };
    }

    function put(id, near) {
      const box = places.freeSpot(near, size(id), taken);
      boxes[id] = box;
      taken.push(box);
      moves.push({ id: id, x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 });
      return moves[moves.length - 1];
    }

    const shown = new Set();
    for (const n of layer.nodes) {
      const targets = Array.from(new Set(links[n.id] || []));
      const placed = targets.filter(function (t) { return t in boxes; }).map(function (t) { return middle(boxes[t]); });
      const near = placed.length ? average(placed) : places.besideDrawing(taken, network.getViewPosition(), size(n.id));
      const at = put(n.id, near);
      for (const t of targets) if (!(t in boxes)) put(t, at);
      for (const id of [n.id, ...targets]) shown.add(id);
    }
    map.nodes.update(moves);
    places.keepInView(network, container, Array.from(shown, function (id) { return boxes[id]; }));
  }

  function middle(box) {
    return { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 };
  }

  function average(points) {
    const sum = points.reduce(function (a, p) { return { x: a.x + p.x, y: a.y + p.y }; }, { x: 0, y: 0 });
    return { x: sum.x / points.length, y: sum.y / points.length };
  }

  // Only what the layer added goes: the view's own nodes stay, whatever the reflections linked.
  function hide(map) {
    const mine = function (item) { return item.layer === LAYER; };
    map.edges.remove(map.edges.getIds({ filter: mine }));
    const added = map.nodes.getIds({ filter: mine });
    map.nodes.remove(added);
    for (const id of added) delete map.details[id];
    document.body.dataset.reflectionsLayer = "off";
  }

  start();
})();
