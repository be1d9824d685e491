"""A participant's mistake as an error page they can act on: what was wrong, in Danish (or English
with `?lang=en`), and links to what they may have meant.

Each helper returns an ApiError: programs still get its English `message` as JSON; browsers get
the page in the request's language, with the nearest names as links of the same kind as the
one mistyped (a resource page for `/id/…`, the same map view with the name replaced for `/map`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from conceptgraph.graph.describe import label
from conceptgraph.graph.nearest import closest, nearest
from conceptgraph.graph.projection import Projection
from conceptgraph.graph.render import class_name
from conceptgraph.graph.views import ViewError
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language


def _lang_args() -> dict[str, str]:
    return {"lang": "en"} if language() == "en" else {}


def _links(projection: Projection, slugs: list[str], href: Callable[[str], str]) -> list[dict[str, str]]:
    lang = language()
    graph = projection.graph
    return [
        {"href": href(slug), "label": label(projection, slug, lang), "kind": class_name(graph.nodes[slug]["cls"], lang)}
        for slug in slugs
    ]


def unknown_resource(projection: Projection, slug: str) -> ApiError:
    """404 for `/id/<slug>` naming nothing: the nearest resources' pages."""
    found = nearest(projection, slug)
    query = "?" + urlencode(_lang_args()) if language() == "en" else ""
    message = f"no resource '{slug}' in the course" + (f"; perhaps: {', '.join(found)}" if found else "")
    return ApiError(
        404,
        message,
        text="not_found_name",
        values={"name": slug},
        suggestions=_links(projection, found, lambda s: f"/id/{s}{query}"),
    )


def view_mistake(projection: Projection, exc: ViewError, args: Mapping[str, str], *, path: str = "/map") -> ApiError:
    """400 for a bad view parameter, 404 for a name in one that matches nothing; an unknown name
    is offered the same view (at `path`) with each of the nearest names in its place."""
    if exc.unknown is None:
        return ApiError(400, str(exc), text=exc.text, values=exc.values)
    graph = projection.graph
    among = None
    if exc.param == "path":  # a path starts at a question: offer only questions
        among = lambda s: graph.nodes[s]["cls"] == "ReflectionQuestion"  # noqa: E731
    found = nearest(projection, exc.unknown, among=among)

    def href(slug: str) -> str:
        replaced = {**args, exc.param: slug}
        if exc.param == "focus":
            replaced.setdefault("depth", "1")
        return f"{path}?{urlencode(replaced)}"

    return ApiError(
        404,
        str(exc),
        text="not_found_param",
        values={**exc.values, "name": exc.unknown},
        suggestions=_links(projection, found, href),
    )


def no_match(projection: Projection, query: str) -> ApiError:
    """404 for a search with no hit: the nearest names, each as its map view."""
    found = nearest(projection, query)
    extra = "&lang=en" if language() == "en" else ""
    return ApiError(
        404,
        f"nothing in the course matches '{query}'",
        text="no_match",
        values={"name": query},
        suggestions=_links(projection, found, lambda s: f"/map?focus={s}&depth=1{extra}"),
    )


def unknown_name(
    message: str,
    text: str,
    name: str,
    known: Mapping[str, list[str]],
    href: Callable[[str], str],
    labels: Mapping[str, str] | None = None,
) -> ApiError:
    """404 for a name that is not among `known` (key → the names it goes by), such as an export
    format or a tour: `message` for programs, `text` in texts.py for the page, the nearest keys
    as links (`href`), shown by their `labels`."""
    found = closest(name, dict(known))
    return ApiError(
        404,
        message,
        text=text,
        values={"name": name, "formats": ", ".join(known)},
        suggestions=[{"href": href(key), "label": (labels or {}).get(key, key), "kind": ""} for key in found],
    )
