"""Guided tours in the YAML: read them with their positions and check them like everything else.

A data file may hold `tours:` (beside or instead of `sections:`). A tour has an `id`, a `label`
{da, en}, optionally the `session` it walks through, and ordered `steps`; a step has an `id`
(unique in its tour, so its IRI survives reordering), a `title` and a `text` {da, en}, the
`section` (the slide heading, verbatim) and a `view`: the same parameters as `/map`. Every name a
view gives must exist, with the class the map expects, or the problem is reported at its line.
"""

from __future__ import annotations

import difflib
from typing import Any

from conceptgraph.course.model import Resource, Tour, TourStep
from conceptgraph.course.read import LocatedDict, LocatedList, Pos
from conceptgraph.course.schema import EXPECTED, SLUG
from conceptgraph.course.values import normalise, unknown_key
from conceptgraph.errors import Problem
from conceptgraph.ontology import class_names, is_a

TOUR_KEYS = ("id", "label", "session", "steps")
STEP_KEYS = ("id", "title", "section", "text", "view")
# The map's view parameters (graph/views.py VIEW_PARAMETERS, less lang and embed, in its order),
# and the classes a name in each must have (empty: any resource).
VIEW_REFS: dict[str, tuple[str, ...]] = {
    "focus": (),
    "text": ("Text", "Person", "Organisation"),
    "theme": ("Theme",),
    "path": ("ReflectionQuestion",),
    "from": (),
    "to": (),
}
VIEW_KEYS = ("focus", "depth", "types", "text", "theme", "path", "from", "to", "overview", "all")
VIEW_FLAGS = ("overview", "all")  # `overview: true` is the first map, `all: true` the whole course
MAX_DEPTH = 5  # as graph/views.py MAX_DEPTH (a test keeps them equal)


def read_tours(value: Any, pos: Pos, path: str, graph: str) -> tuple[list[Tour], list[Problem]]:
    """The tours of one file's `tours:` list, and every problem in them."""
    problems: list[Problem] = []
    if not isinstance(value, LocatedList):
        return [], [_problem(path, pos, "'tours' expects a list of tours, each with id, label and steps")]
    tours = []
    for item, item_pos in zip(value, value.item_pos, strict=True):
        tour = _read_tour(item, item_pos, path, graph, problems)
        if tour is not None:
            tours.append(tour)
    return tours, problems


def _problem(path: str, pos: Pos, message: str) -> Problem:
    return Problem(path, pos.line, pos.column, message)


def _keys(mapping: LocatedDict, allowed: tuple[str, ...], what: str, path: str, problems: list[Problem]) -> bool:
    """Report unknown and missing keys (every allowed key but `section` and `session` is required)."""
    ok = True
    for key in mapping:
        if key not in allowed:
            problems.append(_problem(path, mapping.key_pos[key], unknown_key(key, allowed, what)))
    for key in allowed:
        if key not in mapping and key not in ("section", "session"):
            problems.append(_problem(path, mapping.start, f"{what} is missing the required key '{key}'"))
            ok = False
    return ok


def _slug(mapping: LocatedDict, what: str, path: str, problems: list[Problem]) -> str | None:
    value = mapping.get("id")
    if isinstance(value, str) and SLUG.match(value):
        return value
    message = f"the id of {what} expects a slug of lowercase ASCII letters, digits and hyphens, got {value!r}"
    problems.append(_problem(path, mapping.value_pos["id"], message))
    return None


def _langmap(mapping: LocatedDict, key: str, owner: str, path: str, problems: list[Problem]) -> dict[str, str]:
    normal, error = normalise("langmap", mapping[key], mapping.value_pos[key])
    if error is not None:
        problems.append(_problem(path, error[0], f"'{key}' of {owner}: {error[1]}"))
        return {}
    return dict(normal)


def _read_tour(item: Any, pos: Pos, path: str, graph: str, problems: list[Problem]) -> Tour | None:
    if not isinstance(item, LocatedDict):
        problems.append(_problem(path, pos, "a tour must be a mapping with id, label and steps"))
        return None
    if not _keys(item, TOUR_KEYS, f"tour '{item.get('id', '?')}'", path, problems):
        return None
    tid = _slug(item, "a tour", path, problems)
    if tid is None:
        return None
    owner = f"tour '{tid}'"
    label = _langmap(item, "label", owner, path, problems)
    session = item.get("session")
    where = None
    if session is not None:
        if isinstance(session, str) and SLUG.match(session):
            where = (session, item.value_pos["session"])
        else:
            message = f"'session' of {owner} expects {EXPECTED['ref']}, got {session!r}"
            problems.append(_problem(path, item.value_pos["session"], message))
    steps = _read_steps(item["steps"], item.value_pos["steps"], owner, path, problems)
    return Tour(tid, path, item.start, graph, label, where, steps)


def _read_steps(value: Any, pos: Pos, owner: str, path: str, problems: list[Problem]) -> list[TourStep]:
    if not isinstance(value, LocatedList) or not value:
        problems.append(_problem(path, pos, f"'steps' of {owner} expects a list of steps (at least one)"))
        return []
    steps: list[TourStep] = []
    seen: dict[str, Pos] = {}
    for item, item_pos in zip(value, value.item_pos, strict=True):
        step = _read_step(item, item_pos, owner, path, problems)
        if step is None:
            continue
        if step.id in seen:
            message = f"duplicate step id '{step.id}' in {owner}: already used at line {seen[step.id].line}"
            problems.append(_problem(path, step.pos, message))
            continue
        seen[step.id] = step.pos
        steps.append(step)
    return steps


def _read_step(item: Any, pos: Pos, owner: str, path: str, problems: list[Problem]) -> TourStep | None:
    if not isinstance(item, LocatedDict):
        problems.append(_problem(path, pos, "a step must be a mapping with id, title, text and view"))
        return None
    if not _keys(item, STEP_KEYS, f"a step of {owner}", path, problems):
        return None
    sid = _slug(item, f"a step of {owner}", path, problems)
    if sid is None:
        return None
    what = f"step '{sid}' of {owner}"
    section = item.get("section")
    if section is not None and not (isinstance(section, str) and section.strip()):
        problems.append(_problem(path, item.value_pos["section"], f"'section' of {what} expects a text string"))
        section = None
    step = TourStep(
        sid,
        item.start,
        _langmap(item, "title", what, path, problems),
        _langmap(item, "text", what, path, problems),
        section.strip() if section else None,
        {},
    )
    _read_view(item["view"], item.value_pos["view"], step, what, path, problems)
    return step


def _read_view(value: Any, pos: Pos, step: TourStep, what: str, path: str, problems: list[Problem]) -> None:
    """The step's map view in the normal form of its URL; names are checked later, against all ids."""
    if not isinstance(value, LocatedDict):
        message = f"'view' of {what} expects a mapping of map parameters, like {{focus: id}}"
        problems.append(_problem(path, pos, message))
        return
    for key in value:
        where = value.value_pos[key]
        if key not in VIEW_KEYS:
            problems.append(_problem(path, value.key_pos[key], unknown_key(key, VIEW_KEYS, f"the view of {what}")))
        elif key in VIEW_REFS:
            if isinstance(value[key], str) and SLUG.match(value[key]):
                step.view[key] = value[key]
                step.refs.append((key, value[key], where))
            else:
                problems.append(_problem(path, where, f"'{key}' of {what} expects {EXPECTED['ref']}"))
        elif key == "depth":
            _read_depth(value[key], where, step, what, path, problems)
        elif key in VIEW_FLAGS:
            if value[key] is True:
                step.view[key] = "1"
            elif value[key] is not False:
                problems.append(_problem(path, where, f"'{key}' of {what} expects true or false, got {value[key]!r}"))
        else:
            _read_types(value[key], where, step, what, path, problems)
    if ("from" in value) != ("to" in value):
        problems.append(_problem(path, pos, f"the view of {what} needs both 'from' and 'to', or neither"))
    if "depth" in value and "focus" not in value:
        problems.append(_problem(path, value.key_pos["depth"], f"'depth' of {what} needs a 'focus' to count from"))
    step.view = {key: step.view[key] for key in VIEW_KEYS if key in step.view}


def _read_depth(value: Any, pos: Pos, step: TourStep, what: str, path: str, problems: list[Problem]) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DEPTH:
        step.view["depth"] = str(value)
    else:
        message = f"'depth' of {what} expects a whole number from 0 to {MAX_DEPTH}, got {value!r}"
        problems.append(_problem(path, pos, message))


def _read_types(value: Any, pos: Pos, step: TourStep, what: str, path: str, problems: list[Problem]) -> None:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        problems.append(_problem(path, pos, f"'types' of {what} expects a list of types, like [Concept, Text]"))
        return
    for name in names:
        if str(name).strip() not in class_names():
            hint = difflib.get_close_matches(str(name).strip(), class_names(), n=1)
            extra = f" — did you mean '{hint[0]}'?" if hint else ""
            problems.append(_problem(path, pos, f"'types' of {what} names unknown type {name!r}{extra}"))
            return
    step.view["types"] = ",".join(sorted({str(n).strip() for n in names}))


def check_tours(tours: list[Tour], by_id: dict[str, Resource]) -> list[Problem]:
    """Every name a tour gives (its session, its steps' views) exists and has the class it needs."""
    problems = []
    seen: dict[str, Tour] = {}
    for tour in tours:
        if tour.id in seen:
            other = seen[tour.id]
            message = f"duplicate tour id '{tour.id}': already used at {other.path}:{other.pos.line}"
            problems.append(_problem(tour.path, tour.pos, message))
        seen.setdefault(tour.id, tour)
        refs: list[tuple[str, str, Pos, tuple[str, ...]]] = []
        if tour.session:
            refs.append(("session", tour.session[0], tour.session[1], ("Session",)))
        for step in tour.steps:
            refs += [(f"'{key}' of step '{step.id}'", slug, pos, VIEW_REFS[key]) for key, slug, pos in step.refs]
        for what, slug, pos, classes in refs:
            problems += _check_ref(tour, what, slug, pos, classes, by_id)
    return problems


def _check_ref(
    tour: Tour, what: str, slug: str, pos: Pos, classes: tuple[str, ...], by_id: dict[str, Resource]
) -> list[Problem]:
    found = by_id.get(slug)
    if found is None:
        hint = difflib.get_close_matches(slug, list(by_id), n=1)
        extra = f" — did you mean '{hint[0]}'?" if hint else ""
        message = f"{what} in tour '{tour.id}' refers to unknown resource '{slug}'{extra}"
        return [_problem(tour.path, pos, message)]
    if classes and not any(is_a(found.type, c) for c in classes):
        message = f"{what} in tour '{tour.id}' expects a {' or '.join(classes)}, but '{slug}' is a {found.type}"
        return [_problem(tour.path, pos, message)]
    return []
