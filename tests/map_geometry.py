"""What a map page draws where, read from vis-network in the browser after its next frame: every
node's drawn box in canvas pixels (0, 0 is the canvas's top left corner), the canvas's size, and
each node's links; so browser tests can say "in view" and "not on top of another"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]  # left, top, right, bottom in CSS px of the canvas

READ = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const map = window.conceptgraphMap, network = map.network, canvas = document.getElementById('map');
  const boxes = {}, links = {};
  for (const id of map.nodes.getIds()) {
    const b = network.getBoundingBox(id);
    const from = network.canvasToDOM({ x: b.left, y: b.top }), to = network.canvasToDOM({ x: b.right, y: b.bottom });
    boxes[id] = [from.x, from.y, to.x, to.y];
    links[id] = network.getConnectedNodes(id);
  }
  return { width: canvas.clientWidth, height: canvas.clientHeight, boxes: boxes, links: links,
           edges: map.edges.getIds() };
}"""


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    boxes: dict[str, Box]
    links: dict[str, set[str]]
    edges: set[str]

    def outside(self, ids: set[str]) -> list[str]:
        """The nodes among `ids` not drawn whole inside the canvas (half a pixel's slack)."""
        return sorted(
            i
            for i in ids
            if not (
                -0.5 <= self.boxes[i][0]
                and -0.5 <= self.boxes[i][1]
                and self.boxes[i][2] <= self.width + 0.5
                and self.boxes[i][3] <= self.height + 0.5
            )
        )

    def on_top(self, ids: set[str]) -> list[tuple[str, str]]:
        """Pairs of a node among `ids` and any other node whose drawn boxes overlap."""
        found = []
        for mine in sorted(ids):
            a = self.boxes[mine]
            for other, b in sorted(self.boxes.items()):
                if other != mine and (other not in ids or other > mine):
                    if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                        found.append((mine, other))
        return found


def drawing(page: Any) -> Drawing:
    """The map of `page` as drawn at its next frame."""
    found = page.evaluate(READ)
    return Drawing(
        width=found["width"],
        height=found["height"],
        boxes={k: (v[0], v[1], v[2], v[3]) for k, v in found["boxes"].items()},
        links={k: set(v) for k, v in found["links"].items()},
        edges=set(found["edges"]),
    )
