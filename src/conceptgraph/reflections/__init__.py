"""Participants' reflections: cohorts, people, sign-in, reflections and their database.

This stage owns everything written by people rather than by the course: cohorts and their
invitations, accounts and sessions, reflections with their links to course resources, and the
relational database that keeps them (SQLite embedded, PostgreSQL at scale; `database`). It never
touches the course dataset or the SPARQL store. It imports only the shared leaves
`conceptgraph.config`, `errors`, `vocab` and `texts`; the web side (`server/`, which finds the viewer of a
request in `server/people.py`) and the command line (`cli/cohort.py`) stand on it.

Every operation takes a `Database` (from `open_database`, migrated with `migrate`); reads are
`db.read()` transactions, writes `db.write()`. Refusals are `errors.ReflectionsError` subclasses,
each mapping to one HTTP status (see `errors`). Times are aware UTC datetimes.

The API the web side builds on::

    database    open_database(url=None, *, settings=None) -> Database
                Database.read(), .write(), .close(), .url (masked), .dialect; usable as `with`;
                .max_reflections_per_account, .max_account_bytes (the limits every write checks)
    migrations  migrate(db, *, up_to=LATEST) -> int; current_version(connection) -> int
    cohorts     create_cohort(db, slug, *, title) -> Cohort; list_cohorts(db) -> list[dict]
                close_cohort(db, slug) -> Cohort; purge_cohort(db, slug) -> dict[str, int]
                find_cohort(connection, slug) -> Cohort
    invitations issue_invitations(db, slug, *, count=1, role="participant", reset_name=None,
                                  valid_for=timedelta(days=14)) -> list[str]   (tokens; URL is /join/<token>)
                invitation_for(db, token) -> Invitation      (for the join page: cohort title, role, `resets`)
                redeem_invitation(db, token, *, passphrase, name=None) -> Account
    accounts    sign_in(db, slug, name, passphrase, *, address) -> Account      (RateLimited / SignInFailed)
                erase_account(db, account_id) -> None       (DELETE /me)
                Account.viewer -> Viewer
    sessions    start_session(db, account, *, replacing=None) -> Session     (Session.token: the cookie value)
                session_for(db, cookie) -> Session | None; end_session(db, cookie); end_stale_sessions(db) -> int
                Session.account, Session.csrf_token, Session.csrf_ok(given) -> bool
    visibility  Viewer(account_id, cohort_id, role); may_see(viewer) -> SQL condition;
                visible_reflections(viewer, *conditions) -> Select   (THE rule every read goes through;
                None is a visitor and sees nothing)
    model       Draft(target, text, language="da", visibility="private", links=(Link(resource, rationale), ...))
                Reflection(id, author_id, cohort_id, target, language, text, visibility, created_at,
                           modified_at, version, links); Reflection.etag
    writing     create_reflection(db, viewer, draft) -> Reflection
                update_reflection(db, viewer, id, draft, *, expected_version) -> Reflection   (If-Match → version)
                delete_reflection(db, viewer, id, *, expected_version) -> None
                reflection_history_of(db, viewer, id) -> list[dict]
    reading     get_reflection(db, viewer, id) -> Reflection         (NotFound when not visible)
                list_reflections(db, viewer, *, about=None, mine=False, shared=False, limit=50, offset=0) -> Page
                own_reflections(db, viewer) -> list[Reflection]      (all of them: /me and its export)
                export_account(db, account_id) -> dict               (GET /me/export, ready for JSON)
                cohort_summary(db, viewer, *, with_names=False) -> dict   (facilitators only)
                as_dict(reflection) -> dict
    backup      backup(db, path) -> dict[str, int]; restore(db, path) -> dict[str, int]

Status mapping for the web side: NotFound 404, NotAllowed 403, Invalid 400/422 (`field`),
VersionConflict 412 (`current`: the version now, None when deleted meanwhile), CohortClosed 409,
LimitReached 409 (`setting`, `limit`: max_reflections_per_account or max_account_bytes, kept by
`budget`), InvitationInvalid 404/410, SignInFailed 401, RateLimited 429 (`retry_after`),
DatabaseUnavailable 503.
"""
