"""RDF/XML's entity declarations, checked before a parser expands them.

pyoxigraph's RDF/XML parser expands the internal entities a DOCTYPE declares, nested ones too and
without a limit: ten entities of ten references each ("billion laughs") make 3 GB of text from a
1 KB file. Ontology editors do write entities, but only to abbreviate namespaces
(`<!ENTITY owl "http://www.w3.org/2002/07/owl#">`), so a load accepts exactly those: general
entities with a short literal value that refers to nothing. Parameter and external entities, and
values with references, are refused naming the line; so is a file whose references would expand
to more than MAX_EXPANSION characters (one short entity used millions of times), and a DOCTYPE
inside the document (which pyoxigraph obeys too). The check reads the DOCTYPE with expat (which
stops at the root element and expands nothing), then the whole file once more with a regular
expression; a load of RDF/XML costs about a tenth more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from conceptgraph.errors import StoreError

MAX_ENTITIES = 256
MAX_VALUE = 1024  # characters in one entity's value; namespace IRIs are far shorter
MAX_EXPANSION = 16 * 1024 * 1024  # characters all references in one file may expand to
CHUNK = 1 << 20


class _RootReached(Exception):
    """The DOCTYPE is behind us: nothing after the root element's start declares entities."""


def check_entities(path: Path, reader: Callable[[], IO[bytes]]) -> None:
    """Raise StoreError (naming file and line) if the RDF/XML file declares entities that could
    expand without bound. `reader` opens the file (decompressed); it is read twice: once up to the
    root element, once whole (pyoxigraph also obeys a DOCTYPE that comes after the root's start,
    which the second pass refuses, and counts what the references expand to)."""
    with reader() as handle:
        declared, prolog_doctype = _declarations(path, handle)
    with reader() as handle:
        _scan(path, handle, declared, 1 if prolog_doctype else 0)


def _declarations(path: Path, handle: IO[bytes]) -> tuple[dict[str, str], bool]:
    """The entities the DOCTYPE before the root element declares, and whether there is one."""
    parser = expat.ParserCreate()
    declared: dict[str, str] = {}
    doctype: list[str] = []

    def refuse(problem: str) -> StoreError:
        return StoreError(f"{path}:{parser.CurrentLineNumber}: {problem}; nothing from this file was loaded")

    def entity(name: str, parameter: int, value: str | None, *_: str | None) -> None:
        if parameter:
            raise refuse(f"the DOCTYPE declares the parameter entity '%{name}', which RDF/XML does not need")
        if value is None:
            raise refuse(f"the entity '{name}' is external (SYSTEM or PUBLIC); a load never reads outside the file")
        if "&" in value or "%" in value:
            raise refuse(f"the entity '{name}' refers to another entity; nested entities are refused")
        if len(value) > MAX_VALUE:
            raise refuse(f"the entity '{name}' is {len(value)} characters long; at most {MAX_VALUE} are accepted")
        declared[name] = value
        if len(declared) > MAX_ENTITIES:
            raise refuse(f"the DOCTYPE declares more than {MAX_ENTITIES} entities")

    def root(*_: object) -> None:
        raise _RootReached

    parser.EntityDeclHandler = entity
    parser.StartDoctypeDeclHandler = lambda name, *_: doctype.append(name)
    parser.StartElementHandler = root
    try:
        while chunk := handle.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RootReached:
        pass
    except expat.ExpatError as exc:
        raise refuse(f"the XML does not parse ({expat.errors.messages[exc.code]})") from None
    return declared, bool(doctype)


def _scan(path: Path, handle: IO[bytes], declared: dict[str, str], doctypes: int) -> None:
    """Refuse a DOCTYPE beyond the `doctypes` the prolog holds, and references that expand to more
    than MAX_EXPANSION characters in all."""
    names = sorted((name.encode("utf-8") for name in declared), key=len, reverse=True)
    references = rb"|&(" + b"|".join(re.escape(name) for name in names) + rb");" if names else b""
    pattern = re.compile(rb"(?i:<!doctype)" + references)
    sizes = {name.encode("utf-8"): len(value) for name, value in declared.items()}
    total = 0
    for data, end, line in _windows(handle, max((len(n) for n in names), default=0) + 9):
        for match in pattern.finditer(data):
            if match.start() >= end:
                break
            where = line + data.count(b"\n", 0, match.start())
            if match.group(0).startswith(b"<"):  # a DOCTYPE, not a reference
                doctypes -= 1
                if doctypes < 0:
                    raise StoreError(f"{path}:{where}: a DOCTYPE inside the document is refused; nothing was loaded")
                continue
            total += sizes[match.group(1)]
            if total > MAX_EXPANSION:
                raise StoreError(
                    f"{path}:{where}: its entity references expand to more than {MAX_EXPANSION:,} characters; "
                    "nothing from this file was loaded"
                )


def _windows(handle: IO[bytes], overlap: int) -> Iterator[tuple[bytes, int, int]]:
    """The file as (data, end, line): matches that start before `end` belong to this window (the
    rest of `data` starts the next one, so a reference cut by a chunk boundary is seen whole), and
    `line` is the line `data` starts on."""
    line, carry = 1, b""
    while chunk := handle.read(CHUNK):
        data = carry + chunk
        end = max(len(data) - overlap, 0)
        yield data, end, line
        line += data.count(b"\n", 0, end)
        carry = data[end:]
    yield carry, len(carry), line
