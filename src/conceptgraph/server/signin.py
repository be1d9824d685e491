"""Joining by invitation, signing in and out: the only pages that start or end a session.

`/join/<token>` says in plain Danish what the service is for and what it stores, then makes the
account (or, for a reset invitation, sets a new passphrase) and signs the browser in with a fresh
session id. `/signin` gives one message for every wrong cohort, name or passphrase, so it tells
nobody which names exist; too many failures get a 429 page with the wait.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from conceptgraph.reflections.accounts import Account, sign_in
from conceptgraph.reflections.errors import CohortClosed, Invalid, InvitationInvalid, RateLimited, SignInFailed
from conceptgraph.reflections.invitations import Invitation, invitation_for, redeem_invitation
from conceptgraph.reflections.sessions import end_session, start_session
from conceptgraph.server import people
from conceptgraph.server.http import ApiError
from conceptgraph.server.i18n import language

bp = Blueprint("signin", __name__)


def lang_args() -> dict[str, Any]:
    """The query arguments that keep the page's language across a redirect."""
    return {"lang": "en"} if language() == "en" else {}


def see_other(location: str) -> Response:
    """A 303 to `location`: after a form is posted, the browser loads the next page with GET."""
    return Response(status=303, headers={"Location": location})


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str) -> Any:
    """The invitation's page: purpose and storage said plainly, then name and passphrase."""
    people.require_csrf()
    db = people.database()
    try:
        invitation = invitation_for(db, token)
    except InvitationInvalid:
        raise ApiError(404, "this invitation link is not valid", text="join_invalid") from None
    if request.method == "GET":
        return _join_page(invitation)
    passphrase = request.form.get("passphrase", "")
    if passphrase != request.form.get("passphrase_again", passphrase):
        return _join_page(invitation, "passphrase_mismatch", 422)
    try:
        account = redeem_invitation(db, token, passphrase=passphrase, name=request.form.get("name"))
    except Invalid as exc:
        return _join_page(invitation, f"invalid_{exc.field}", 422)
    except InvitationInvalid:
        raise ApiError(404, "this invitation link is not valid", text="join_invalid") from None
    except CohortClosed:
        raise ApiError(409, "the cohort is closed", text="cohort_closed") from None
    return signed_in(account)


def _join_page(invitation: Invitation, error: str | None = None, status: int = 200) -> Response:
    body = render_template("people/join.html", invitation=invitation, error=error, name=request.form.get("name", ""))
    return Response(body, status=status, mimetype="text/html")


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    """Sign in with cohort, name and passphrase."""
    people.require_csrf()
    if request.method == "GET":
        return _signin_page()
    form = request.form
    try:
        account = sign_in(
            people.database(),
            form.get("cohort", "").strip(),
            form.get("name", ""),
            form.get("passphrase", ""),
            address=request.remote_addr or "",
        )
    except SignInFailed:
        return _signin_page("signin_failed", 401)
    except RateLimited as exc:
        minutes = (exc.retry_after + 59) // 60
        raise ApiError(
            429,
            str(exc),
            {"Retry-After": str(exc.retry_after)},
            text="signin_limited",
            values={"minutes": minutes},
        ) from None
    return signed_in(account)


def _signin_page(error: str | None = None, status: int = 200) -> Response:
    form = {k: request.form.get(k, request.args.get(k, "")) for k in ("cohort", "name")}
    return Response(render_template("people/signin.html", error=error, form=form), status=status, mimetype="text/html")


def signed_in(account: Account) -> Response:
    """Start a new session for `account` (any session id the browser had is ended) and go to /me."""
    session = start_session(people.database(), account, replacing=people.session_cookie())
    response = see_other(url_for("me.me", **lang_args()))
    people.set_session_cookie(response, session)
    return response


@bp.route("/signout", methods=["POST"])
def signout() -> Response:
    """End this browser's session."""
    people.require_csrf()
    end_session(people.database(), people.session_cookie())
    response = see_other(url_for("explore.map_view", **lang_args()))
    people.clear_session_cookie(response)
    return response
