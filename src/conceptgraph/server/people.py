"""Who is asking: the signed-in participant or facilitator behind a request, from its cookie.

Every view that shows or changes reflections asks `viewer()` (None is a visitor, who sees no
reflection at all) and every unsafe request passes `require_csrf()` first: a signed-in browser's
carries its session's token, and a visitor's (signing in, joining) must not come from another
site's page, which could otherwise sign the browser into an account of the other site's choosing.
The session lives in the reflections database, so a restart of the service signs nobody out; the
cookie holds only a random id (HttpOnly, SameSite=Lax, Secure when PUBLIC_URL is https).
"""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask, Response, abort, current_app, g, request

from conceptgraph.config import public_url
from conceptgraph.reflections.database import Database, open_database
from conceptgraph.reflections.migrations import migrate
from conceptgraph.reflections.sessions import LIFETIME, Session, session_for
from conceptgraph.reflections.visibility import Viewer
from conceptgraph.server.http import ApiError

COOKIE = "cg_session"
# Over https the cookie carries the __Host- prefix: browsers then take it only from this host,
# Secure and for every path, so a sibling subdomain cannot plant a session of its choosing.
SECURE_COOKIE = "__Host-cg_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a browser's Sec-Fetch-Site says of a request that a page of another site (or of a sibling
# subdomain) started: such a page can post our forms, but never read the token they carry.
_OTHER_SITES = frozenset({"cross-site", "same-site"})


def init_app(app: Flask, settings: dict[str, Any]) -> None:
    """Open and migrate the reflections database, and give every template the CSRF token."""
    db = open_database(settings=settings)
    migrate(db)
    atexit.register(db.close)
    app.extensions["conceptgraph.reflections"] = db
    app.extensions["conceptgraph.secure_cookie"] = public_url(settings).startswith("https:")
    app.context_processor(lambda: {"csrf_token": csrf_token(), "signed_in": current_session()})


def database() -> Database:
    """The reflections database of this app."""
    db: Database = current_app.extensions["conceptgraph.reflections"]
    return db


def current_session() -> Session | None:
    """The live session of this request's cookie, looked up once per request."""
    if "cg_session" not in g:
        g.cg_session = session_for(database(), session_cookie())
    found: Session | None = g.cg_session
    return found


def cookie_name() -> str:
    """The session cookie's name: with the __Host- prefix whenever PUBLIC_URL is https."""
    return SECURE_COOKIE if current_app.extensions["conceptgraph.secure_cookie"] else COOKIE


def session_cookie() -> str | None:
    """The session id this request's browser sent, if any."""
    return request.cookies.get(cookie_name())


def viewer() -> Viewer | None:
    """The account asking, as the reflections' visibility rule needs it; None for a visitor."""
    found = current_session()
    return found.account.viewer if found else None


def csrf_token() -> str | None:
    """This session's CSRF token, for `<meta name="csrf-token">`, forms and GET /me."""
    found = current_session()
    return found.csrf_token if found else None


def require_csrf() -> None:
    """Abort with 403 unless an unsafe request carries the session's CSRF token (header or form
    field). Without a session there is no token to carry, and such a request can change nothing of
    anyone's, but it can start a session: the browser's Sec-Fetch-Site must not name another site
    (login CSRF; the SameSite=Lax cookie does not travel on another site's POST, so a signed-in
    victim looks like a visitor here too)."""
    if request.method not in _UNSAFE:
        return
    found = current_session()
    if found is None:
        if request.headers.get("Sec-Fetch-Site") in _OTHER_SITES:
            raise ApiError(
                403,
                "csrf: a page of another site may not sign you in; open this site's own page",
                text="csrf_other_site",
            )
        return
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not found.csrf_ok(given):
        abort(403, description="csrf: the form or request lacks this session's CSRF token; reload the page")


def set_session_cookie(response: Response, session: Session) -> None:
    """Give the browser its new session (after sign-in or joining): a rotated id every time."""
    response.set_cookie(
        cookie_name(),
        session.token or "",
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.extensions["conceptgraph.secure_cookie"]),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Sign the browser out."""
    secure = bool(current_app.extensions["conceptgraph.secure_cookie"])
    response.delete_cookie(cookie_name(), path="/", httponly=True, samesite="Lax", secure=secure)
