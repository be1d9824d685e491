"""Node colours for every state the map draws (normal, hover, selected, on a path), chosen so the
label keeps WCAG AA contrast (4.5:1) against whatever it is drawn on.

vis-network fills a selected or hovered node with its own pale blue unless told otherwise; white
labels on that were unreadable. Here the fill never changes with the state — the border does — and
the label colour is whichever of white and ink reads better on the fill.
"""

from __future__ import annotations

from typing import Any

INK = "#1d2430"
WHITE = "#ffffff"
CANVAS = "#ffffff"
# The border of a node on a path or in focus: dark enough to see on white (3:1 for shapes).
PATH_BORDER = "#8a5a00"
SELECTED_BORDER = INK
# Shapes that draw their label inside the fill; all others draw it on the canvas beside the shape.
LABEL_INSIDE = {"box", "ellipse", "circle", "database"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.x)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(fill: str, shape: str) -> str:
    """White or ink, whichever reads better where the label is drawn."""
    behind = fill if shape in LABEL_INSIDE else CANVAS
    return WHITE if contrast(WHITE, behind) > contrast(INK, behind) else INK


def node_colour(fill: str, *, marked: bool) -> dict[str, Any]:
    """vis-network's colour object: the same fill in every state, the border tells the state."""
    border = PATH_BORDER if marked else fill
    return {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": SELECTED_BORDER},
        "hover": {"background": fill, "border": SELECTED_BORDER if marked else INK},
    }
