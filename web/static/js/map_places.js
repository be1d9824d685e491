// Room on a drawn map for nodes another script adds (the reflections layer). The server lays the
// map out with fixed positions and physics off, so vis-network would drop a node that comes
// without a position near the origin, over other nodes or off-screen. Here a new box goes to the
// free spot nearest the point it belongs near, clear of every box already taken, and the camera
// then moves just enough to show a set of boxes. Boxes are {left, right, top, bottom} in canvas
// units, sizes {width, height}: what vis-network measured, so no label is guessed at.
(function () {
  "use strict";
  const GAP = 16;  // canvas units kept free around every box
  const REACH = 12;  // half-box steps tried in each direction before falling back to the drawing's edge
  const MARGIN = 12;  // CSS px between the boxes shown and the canvas's edge

  function boxAt(x, y, size) {
    return { left: x - size.width / 2, right: x + size.width / 2, top: y - size.height / 2, bottom: y + size.height / 2 };
  }

  function clashes(box, taken) {
    return taken.some(function (other) {
      return box.left < other.right + GAP && other.left < box.right + GAP &&
        box.top < other.bottom + GAP && other.top < box.bottom + GAP;
    });
  }

  function bounds(boxes) {
    return {
      left: Math.min(...boxes.map(function (b) { return b.left; })),
      right: Math.max(...boxes.map(function (b) { return b.right; })),
      top: Math.min(...boxes.map(function (b) { return b.top; })),
      bottom: Math.max(...boxes.map(function (b) { return b.bottom; })),
    };
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  // The box of `size` nearest `near` that clashes with nothing taken: tried on a grid of half-box
  // steps, nearest first; beyond REACH steps, just right of everything taken (always free).
  function freeSpot(near, size, taken) {
    const stepX = (size.width + GAP) / 2;
    const stepY = (size.height + GAP) / 2;
    const offsets = [];
    for (let i = -REACH; i <= REACH; i++) {
      for (let j = -REACH; j <= REACH; j++) offsets.push([i * stepX, j * stepY]);
    }
    offsets.sort(function (a, b) { return Math.hypot(a[0], a[1]) - Math.hypot(b[0], b[1]); });
    for (const [dx, dy] of offsets) {
      const box = boxAt(near.x + dx, near.y + dy, size);
      if (!clashes(box, taken)) return box;
    }
    return boxAt(bounds(taken).right + 2 * GAP + size.width / 2, near.y, size);
  }

  // A point just outside the drawing (the bounds of `taken`) for a box of `size`, on the side
  // nearest `point` (where the camera looks), across from it.
  function besideDrawing(taken, point, size) {
    if (!taken.length) return point;
    const all = bounds(taken);
    const x = clamp(point.x, all.left, all.right);
    const y = clamp(point.y, all.top, all.bottom);
    const sides = [
      { distance: point.y - all.top, at: { x: x, y: all.top - GAP - size.height / 2 } },
      { distance: all.bottom - point.y, at: { x: x, y: all.bottom + GAP + size.height / 2 } },
      { distance: point.x - all.left, at: { x: all.left - GAP - size.width / 2, y: y } },
      { distance: all.right - point.x, at: { x: all.right + GAP + size.width / 2, y: y } },
    ];
    return sides.reduce(function (best, side) { return side.distance < best.distance ? side : best; }).at;
  }

  // Move the camera as little as it takes to show every box whole: pan if they fit at the current
  // zoom, zoom out (never in) if they do not.
  function keepInView(network, container, boxes) {
    if (!boxes.length) return;
    const all = bounds(boxes);
    const width = container.clientWidth - 2 * MARGIN;
    const height = container.clientHeight - 2 * MARGIN;
    const scale = Math.min(network.getScale(), width / (all.right - all.left), height / (all.bottom - all.top));
    const halfX = width / 2 / scale;
    const halfY = height / 2 / scale;
    const centre = network.getViewPosition();
    const position = {
      x: clamp(centre.x, all.right - halfX, all.left + halfX),
      y: clamp(centre.y, all.bottom - halfY, all.top + halfY),
    };
    network.moveTo({ position: position, scale: scale, animation: false });
  }

  window.conceptgraphPlaces = { freeSpot: freeSpot, besideDrawing: besideDrawing, keepInView: keepInView };
})();
