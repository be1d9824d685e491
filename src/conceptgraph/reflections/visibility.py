"""Who may see which reflection: the one rule every read goes through.

The author sees all of their own; every member of a cohort (participants and facilitators) sees
the reflections its members shared with the cohort (`visibility = 'cohort'`); nobody else sees
anything, and a visitor (no viewer) sees nothing. A reflection a viewer may not see does not exist
for them: reads answer NotFound, never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from conceptgraph.reflections.schema import reflections


@dataclass(frozen=True)
class Viewer:
    """A signed-in account, as far as reading and writing need it."""

    account_id: str
    cohort_id: str
    role: str  # "participant" or "facilitator"

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


def may_see(viewer: Viewer | None) -> ColumnElement[bool]:
    """The SQL condition on `reflections` that holds exactly for the rows `viewer` may see."""
    if viewer is None:
        return false()
    return or_(
        reflections.c.author_id == viewer.account_id,
        and_(reflections.c.cohort_id == viewer.cohort_id, reflections.c.visibility == "cohort"),
    )


def visible_reflections(viewer: Viewer | None, *conditions: ColumnElement[bool]) -> Select[Any]:
    """The reflections `viewer` may see that meet `conditions`: the query every read starts from."""
    return select(reflections).where(may_see(viewer), *conditions)
