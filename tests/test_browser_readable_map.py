"""The map a participant can read (issue 13, section 2), measured in Debian's Chromium: the overview's
labels are legible and apart at the first zoom level on a laptop and a phone, every label keeps
its contrast in every state, the phone gets the whole width and a bottom sheet, and "Hvordan
hænger X og Y sammen?" is a keyboard-operable combobox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import guarded_page
from tests.server import RunningServer
from tests.test_browser_map import AXE, click_node, open_map

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENS = {"laptop": LAPTOP, "phone": PHONE}
MIN_FONT_PX = 12
AA = 4.5

# Every node as vis-network draws it now: rendered font size, label box and node box in CSS px of
# the page, from the network's own scale, positions and measured label sizes.
MEASURE = """() => {
  const network = window.conceptgraphMap.network;
  const scale = network.getScale();
  const frame = document.getElementById('map').getBoundingClientRect();
  const toPage = (x, y) => { const p = network.canvasToDOM({x, y}); return [frame.left + p.x, frame.top + p.y]; };
  return network.body.nodeIndices.map(id => {
    const node = network.body.nodes[id];
    const label = node.labelModule.size;
    const box = node.shape.boundingBox;
    return {
      id, text: node.options.label, font: node.options.font.size * scale,
      label: [...toPage(label.left, label.top), ...toPage(label.left + label.width, label.top + label.height)],
      box: [...toPage(box.left, box.top), ...toPage(box.right, box.bottom)],
    };
  });
}"""

# The colours vis-network paints each node with, per state, and what its label is drawn on.
COLOURS = """() => {
  const network = window.conceptgraphMap.network;
  const canvas = getComputedStyle(document.getElementById('map')).backgroundColor;
  return network.body.nodeIndices.map(id => {
    const o = network.body.nodes[id].options;
    return {id, shape: o.shape, font: o.font.color, canvas,
            normal: o.color.background, hover: o.color.hover.background, selected: o.color.highlight.background};
  });
}"""


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any, server: RunningServer) -> Iterator[Any]:
    """A page at a laptop's or a phone's size (the phone with touch)."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=SCREENS[request.param], is_mobile=phone, has_touch=phone)
    page = guarded_page(context)
    yield page
    context.close()


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _touching(drawn: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(drawn)
        for b in drawn[i + 1 :]
        if overlaps(a["label"], b["label"]) or overlaps(a["box"], b["box"])
    ]


def test_overview_labels_are_legible_and_apart_at_the_first_zoom(screen: Any, server: RunningServer) -> None:
    open_map(screen, f"{server.url}/map")
    frame = screen.locator("#map").bounding_box()
    canvas = [frame["x"], frame["y"], frame["x"] + frame["width"], frame["y"] + frame["height"]]
    everything = screen.evaluate(MEASURE)
    # vis-network draws (and measures) only the nodes inside the canvas: those are what a person sees.
    drawn = [n for n in everything if overlaps(n["box"], canvas)]
    assert len(drawn) >= 12
    small = [(n["id"], round(n["font"], 2)) for n in drawn if n["font"] < MIN_FONT_PX]
    assert small == []
    assert _touching(drawn) == []
    # Nothing lies beside the canvas, left or right: the rest, if any, is below, one pan away.
    assert min(n["box"][0] for n in drawn) >= canvas[0] - 0.5 and max(n["box"][2] for n in drawn) <= canvas[2] + 0.5
    # And the whole overview, drawn at once, has no two labels touching either.
    screen.evaluate("window.conceptgraphMap.network.fit({animation: false}); window.conceptgraphMap.network.redraw()")
    assert _touching(screen.evaluate(MEASURE)) == []
    assert screen.console_errors == []


def _luminance(css: str) -> float:
    if css.startswith("#"):
        channels = [int(css[i : i + 2], 16) for i in (1, 3, 5)]
    else:  # rgb(r, g, b) from getComputedStyle
        channels = [int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


INSIDE = {"box", "ellipse", "circle", "database"}  # vis-network draws these labels on the fill


@pytest.mark.parametrize(
    "view",
    ["", "?path=netvaerkstema-og-stoej", "?from=den-potentielle-organisation&to=bason", "?all=1"],
)
def test_every_label_keeps_aa_contrast_in_every_state(page: Any, server: RunningServer, view: str) -> None:
    open_map(page, f"{server.url}/map{view}")
    page.evaluate("window.conceptgraphMap.select(window.conceptgraphMap.nodes.getIds()[0])")
    poor = []
    for node in page.evaluate(COLOURS):
        for state in ("normal", "hover", "selected"):
            behind = node[state] if node["shape"] in INSIDE else node["canvas"]
            ratio = contrast(node["font"], behind)
            if ratio < AA:
                poor.append((node["id"], state, node["font"], behind, round(ratio, 2)))
    assert poor == []


def test_the_highlighted_question_of_a_path_is_readable(page: Any, server: RunningServer) -> None:
    """The case from the issue: a selected question on a path was white on vis-network's pale blue."""
    open_map(page, f"{server.url}/map?path=netvaerkstema-og-stoej")
    node = page.evaluate(
        "(() => { const o = window.conceptgraphMap.network.body.nodes['netvaerkstema-og-stoej'].options;"
        " return {font: o.font.color, fill: o.color.highlight.background, shape: o.shape}; })()"
    )
    assert node["shape"] == "box" and contrast(node["font"], node["fill"]) >= AA


def test_full_label_is_reachable_by_hover_focus_and_panel(page: Any, server: RunningServer) -> None:
    question = "netvaerkstema-og-stoej"
    open_map(page, f"{server.url}/map?path={question}")
    full = page.evaluate(f"window.conceptgraphMap.nodes.get('{question}').title.querySelector('strong').textContent")
    drawn = page.evaluate(f"window.conceptgraphMap.nodes.get('{question}').label")
    assert "\n" in drawn and drawn.replace("\n", " ") == full and not full.endswith("…")
    page.evaluate(f"window.conceptgraphMap.select('{question}')")
    assert page.locator("#announce").inner_text().startswith(full)
    assert page.locator("#panel-title").inner_text() == full


def test_phone_map_fills_the_screen_with_a_bottom_sheet(browser: Any, server: RunningServer) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_map(page, f"{server.url}/map")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    frame = page.locator("#map").bounding_box()
    assert frame["x"] <= 0.5 and frame["width"] >= PHONE["width"] - 1
    assert frame["height"] >= 0.7 * PHONE["height"]
    page.locator("#map").scroll_into_view_if_needed()
    click_node(page, "tekst-3-aakerstroem")
    sheet = page.locator("#panel")
    sheet.wait_for(state="visible")
    box = sheet.bounding_box()
    assert page.evaluate("getComputedStyle(document.getElementById('panel')).position") == "fixed"
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1 and box["width"] >= PHONE["width"] - 1
    assert box["y"] >= PHONE["height"] * 0.4  # a sheet over the map's lower part, not a page
    link = page.locator("#panel-open a")
    assert link.get_attribute("href") == "/map?text=tekst-3-aakerstroem"
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    page.click("#panel-close")
    assert not sheet.is_visible()
    context.close()


def _touch(cdp: Any, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]},
    )


def test_phone_map_pans_with_a_finger_and_zooms_with_a_pinch(browser: Any, server: RunningServer) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_map(page, f"{server.url}/map")
    page.locator("#map").scroll_into_view_if_needed()
    frame = page.locator("#map").bounding_box()
    cx, cy = frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2
    cdp = context.new_cdp_session(page)
    view = "(() => { const n = window.conceptgraphMap.network; return [n.getViewPosition(), n.getScale()]; })()"
    (before, scale) = page.evaluate(view)
    _touch(cdp, "touchStart", [(cx, cy)])
    for step in range(1, 11):
        _touch(cdp, "touchMove", [(cx, cy - 15 * step)])
    _touch(cdp, "touchEnd", [])
    (after, same_scale) = page.evaluate(view)
    assert after["y"] > before["y"] + 50 and same_scale == scale  # the map moved, the page did not
    _touch(cdp, "touchStart", [(cx - 20, cy), (cx + 20, cy)])
    for step in range(1, 11):
        _touch(cdp, "touchMove", [(cx - 20 - 8 * step, cy), (cx + 20 + 8 * step, cy)])
    _touch(cdp, "touchEnd", [])
    assert page.evaluate(view)[1] > scale * 1.5
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    context.close()


def _pick(page: Any, field: str, typed: str, wanted: str) -> None:
    """Type into a combobox and choose `wanted` with the arrow keys and Enter."""
    combo = page.locator(field)
    combo.focus()
    page.keyboard.type(typed)
    listbox = page.locator(f"#{combo.get_attribute('aria-controls')}")
    listbox.locator("[role=option]").first.wait_for()
    assert combo.get_attribute("aria-expanded") == "true" and listbox.get_attribute("role") == "listbox"
    options = listbox.locator("[role=option]").all_inner_texts()
    for _ in range(next(i for i, text in enumerate(options) if text.startswith(wanted)) + 1):
        page.keyboard.press("ArrowDown")
    active = combo.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert page.locator(f"#{active}").inner_text().startswith(wanted)
    page.keyboard.press("Enter")
    assert combo.input_value() == wanted and combo.get_attribute("aria-expanded") == "false"


def test_connect_by_typing_names_with_the_keyboard(page: Any, server: RunningServer) -> None:
    open_map(page, f"{server.url}/map")
    page.click(".connect summary")
    assert page.get_attribute("#connect-from", "role") == "combobox"
    _pick(page, "#connect-from", "potentielle", "Den potentielle organisation")
    page.keyboard.press("Tab")
    _pick(page, "#connect-to", "Bason", "Bason")
    page.keyboard.press("Enter")  # the list is closed: Enter submits the form
    page.wait_for_url("**/map?from=*")
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.url.endswith("/map?from=den-potentielle-organisation&to=bason")
    marked = set(page.evaluate("window.conceptgraphMap.nodes.get({filter: n => n.borderWidth === 4}).map(n => n.id)"))
    assert {"den-potentielle-organisation", "bason"} <= marked and len(marked) >= 3
    assert page.locator(".explanation .steps li").count() >= 2
    assert page.input_value("#connect-from") == "Den potentielle organisation"
    assert page.console_errors == [] and page.outside_requests == []


def test_connect_form_works_without_javascript(browser: Any, server: RunningServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/map")
    page.click(".connect summary")
    page.fill("#connect-from", "potentielle")
    page.fill("#connect-to", "Bason")
    page.click(".connect-form button[type=submit]")
    assert page.url.endswith("/map?from=den-potentielle-organisation&to=bason")
    assert page.locator(".explanation .steps li").count() >= 2
    context.close()


@pytest.mark.parametrize("size", list(SCREENS))
def test_map_has_no_serious_accessibility_violations(browser: Any, server: RunningServer, size: str) -> None:
    context = browser.new_context(viewport=SCREENS[size], bypass_csp=True)
    page = context.new_page()
    open_map(page, f"{server.url}/map")
    page.click(".connect summary")
    page.locator("#connect-from").type("potentielle")
    page.locator("#connect-from-suggestions [role=option]").first.wait_for()
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
