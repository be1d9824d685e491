"""Read YAML while remembering where every key, value and list item stood.

PyYAML throws positions away once it builds dicts; facilitators need `file:line:column` on every
message, so the mappings and lists built here keep the marks of their parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conceptgraph.errors import DataError, Problem


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a YAML file."""

    line: int
    column: int


def _pos(mark: yaml.Mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


class LocatedDict(dict[Any, Any]):
    """A mapping that knows where it starts and where each of its keys and values stand."""

    start: Pos
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]


class LocatedList(list[Any]):
    """A sequence that knows where it starts and where each item stands."""

    start: Pos
    item_pos: list[Pos]


class _Loader(yaml.SafeLoader):
    duplicates: list[tuple[Pos, str]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    result = LocatedDict()
    result.start, result.key_pos, result.value_pos = _pos(node.start_mark), {}, {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            loader.duplicates.append((_pos(key_node.start_mark), str(key)))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = _pos(key_node.start_mark)
        result.value_pos[key] = _pos(value_node.start_mark)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(item, deep=True) for item in node.value)
    result.start = _pos(node.start_mark)
    result.item_pos = [_pos(item.start_mark) for item in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates and times stay strings: the loader decides what a value means, not YAML's guesses.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, label: str) -> Any:
    """Parse one YAML file; `label` is how messages name it (e.g. `data/bason.yaml`).

    Raises DataError for malformed YAML or a key given twice in one mapping.
    """
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    loader.duplicates = []
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _pos(mark) if mark else Pos(1, 1)
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        raise DataError([Problem(label, where.line, where.column, f"malformed YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(label, 1, 1, f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise DataError(
            [
                Problem(label, p.line, p.column, f"key '{key}' is given twice in this mapping")
                for p, key in loader.duplicates
            ]
        )
    return document
