"""The reflections layer's refusals as HTTP answers for programs: one JSON shape, the status each
refusal maps to, and the field that was wrong ({"error": ..., "status": ..., "field": ...}) or the
setting that was reached ({..., "setting": ..., "limit": ...})."""

from __future__ import annotations

import json

from flask import Blueprint, Response

from conceptgraph.reflections.errors import (
    CohortClosed,
    DatabaseUnavailable,
    Invalid,
    InvitationInvalid,
    LimitReached,
    NotAllowed,
    NotFound,
    RateLimited,
    ReflectionsError,
    SignInFailed,
    VersionConflict,
)

STATUS: dict[type[ReflectionsError], int] = {
    DatabaseUnavailable: 503,
    Invalid: 422,
    NotFound: 404,
    NotAllowed: 403,
    CohortClosed: 409,
    # 409, not 413: the request is small; it conflicts with what the account already keeps, and
    # deleting a reflection resolves it (413 would tell a client to send less).
    LimitReached: 409,
    VersionConflict: 412,
    InvitationInvalid: 404,
    SignInFailed: 401,
    RateLimited: 429,
}


def json_error(
    status: int,
    message: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    more: dict[str, object] | None = None,
) -> Response:
    """An error answer for programs; `field` names the parameter or JSON field that was wrong,
    `more` adds members (a limit's setting and value)."""
    body: dict[str, object] = {"error": message, "status": status, **(more or {})}
    if field is not None:
        body["field"] = field
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json", headers=headers)


def refused(error: ReflectionsError) -> Response:
    """The refusal as its status and JSON error (a 429 says when to retry)."""
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 500)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    field = error.field if isinstance(error, Invalid) else None
    more: dict[str, object] = (
        {"setting": error.setting, "limit": error.limit} if isinstance(error, LimitReached) else {}
    )
    return json_error(status, str(error), field=field, headers=headers, more=more)


def answer_refusals(bp: Blueprint) -> None:
    """Make every view of `bp` answer the reflections layer's refusals as JSON errors."""
    bp.register_error_handler(ReflectionsError, refused)
