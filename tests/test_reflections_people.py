"""Cohorts, invitations, accounts, sign-in limits, sessions, erasure and purge, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from conceptgraph.reflections import accounts as accounts_module
from conceptgraph.reflections.accounts import erase_account, sign_in
from conceptgraph.reflections.cohorts import close_cohort, create_cohort, list_cohorts, purge_cohort
from conceptgraph.reflections.database import Database, digest
from conceptgraph.reflections.errors import (
    CohortClosed,
    Invalid,
    InvitationInvalid,
    NotFound,
    RateLimited,
    SignInFailed,
)
from conceptgraph.reflections.invitations import invitation_for, issue_invitations, redeem_invitation
from conceptgraph.reflections.model import Draft
from conceptgraph.reflections.schema import accounts, invitations, reflections, sessions
from conceptgraph.reflections.sessions import end_session, session_for, start_session
from conceptgraph.reflections.writing import create_reflection
from tests.reflections_people import PASSPHRASE, member

QUESTION = "https://w3id.org/conceptgraph/id/q-i-morgen"


def count(db: Database, table: object) -> int:
    with db.read() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_cohort_slug_is_checked_and_unique(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold-1", title="Hold 1")
    for slug in ("Hold 1", "hold_1", "-x", ""):
        with pytest.raises(Invalid) as caught:
            create_cohort(reflections_db, slug, title="x")
        assert caught.value.field == "slug"
    with pytest.raises(Invalid, match="exists already"):
        create_cohort(reflections_db, "hold-1", title="again")


def test_an_invitation_works_once_and_stores_only_its_hash(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    tokens = issue_invitations(reflections_db, "hold", count=3)
    assert len(set(tokens)) == 3 and all(len(t) >= 22 for t in tokens)
    with reflections_db.read() as connection:
        stored = set(connection.execute(select(invitations.c.token_hash)).scalars())
    assert stored == {digest(t) for t in tokens}
    assert invitation_for(reflections_db, tokens[0]).cohort_title == "Hold"
    anne = redeem_invitation(reflections_db, tokens[0], name=" Anne ", passphrase=PASSPHRASE)
    assert (anne.name, anne.role, anne.cohort_slug) == ("Anne", "participant", "hold")
    for bad in (tokens[0], "made-up-token"):
        with pytest.raises(InvitationInvalid):
            redeem_invitation(reflections_db, bad, name="Bo", passphrase=PASSPHRASE)
        with pytest.raises(InvitationInvalid):
            invitation_for(reflections_db, bad)


def test_a_taken_name_or_short_passphrase_leaves_the_invitation_unused(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    member(reflections_db, "hold", "Anne")
    (token,) = issue_invitations(reflections_db, "hold")
    with pytest.raises(Invalid) as caught:
        redeem_invitation(reflections_db, token, name="ANNE", passphrase=PASSPHRASE)
    assert caught.value.field == "name"
    with pytest.raises(Invalid) as caught:
        redeem_invitation(reflections_db, token, name="Bo", passphrase="short")
    assert caught.value.field == "passphrase"
    assert redeem_invitation(reflections_db, token, name="Bo", passphrase=PASSPHRASE).name == "Bo"


def test_an_expired_invitation_is_refused(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    (token,) = issue_invitations(reflections_db, "hold", valid_for=timedelta(seconds=-1))
    with pytest.raises(InvitationInvalid):
        redeem_invitation(reflections_db, token, name="Anne", passphrase=PASSPHRASE)


def test_a_reset_invitation_changes_the_passphrase_only(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    anne = member(reflections_db, "hold", "Anne")
    (token,) = issue_invitations(reflections_db, "hold", reset_name="anne")
    assert invitation_for(reflections_db, token).resets == "Anne"
    again = redeem_invitation(reflections_db, token, passphrase="a new long passphrase")
    assert again.id == anne.account_id
    with pytest.raises(SignInFailed):
        sign_in(reflections_db, "hold", "Anne", PASSPHRASE, address="10.0.0.1")
    assert sign_in(reflections_db, "hold", "anne", "a new long passphrase", address="10.0.0.1").id == anne.account_id
    with pytest.raises(NotFound, match="reset"):
        issue_invitations(reflections_db, "hold", reset_name="Nobody")


def test_sign_in_fails_the_same_way_for_every_wrong_part(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    member(reflections_db, "hold", "Anne")
    for slug, name, passphrase in (
        ("hold", "Anne", "wrong one!"),
        ("hold", "Nobody", PASSPHRASE),
        ("nope", "Anne", PASSPHRASE),
    ):
        with pytest.raises(SignInFailed, match="cohort, name or passphrase is wrong"):
            sign_in(reflections_db, slug, name, passphrase, address=f"10.0.0.{len(name)}")


def test_failed_sign_ins_are_limited_per_name_and_per_address(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    member(reflections_db, "hold", "Anne")
    for n in range(accounts_module.MAX_FAILURES_PER_NAME):
        with pytest.raises(SignInFailed):
            sign_in(reflections_db, "hold", "Anne", "wrong one!", address=f"10.0.1.{n}")
    with pytest.raises(RateLimited) as limited:  # even the right passphrase, from a new address
        sign_in(reflections_db, "hold", "Anne", PASSPHRASE, address="10.0.2.1")
    assert 0 < limited.value.retry_after <= 15 * 60
    for n in range(accounts_module.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises((SignInFailed, RateLimited)):
            sign_in(reflections_db, "hold", f"guess{n // 4}", "wrong one!", address="10.0.3.3")
    with pytest.raises(RateLimited):
        sign_in(reflections_db, "hold", "someone-new", "wrong one!", address="10.0.3.3")


def test_the_service_hashes_with_memory_hard_argon2id() -> None:
    hasher = accounts_module.HASHER  # the service's own (the database fixture lowers it for speed)
    assert hasher.type.name == "ID" and hasher.memory_cost >= 64 * 1024 and hasher.time_cost >= 3
    assert accounts_module.hash_passphrase(PASSPHRASE).startswith("$argon2id$")


def test_a_session_survives_a_new_connection_rotates_and_ends(reflections_db: Database, reflections_url: str) -> None:
    from conceptgraph.reflections.database import open_database

    create_cohort(reflections_db, "hold", title="Hold")
    member(reflections_db, "hold", "Anne")
    anne = sign_in(reflections_db, "hold", "Anne", PASSPHRASE, address="10.0.0.1")
    first = start_session(reflections_db, anne)
    assert first.token and first.csrf_ok(first.csrf_token) and not first.csrf_ok("other") and not first.csrf_ok(None)
    restarted = open_database(reflections_url)  # a new process would see the same
    found = session_for(restarted, first.token)
    assert found is not None and found.account.id == anne.id and found.csrf_token == first.csrf_token
    second = start_session(restarted, anne, replacing=first.token)
    assert session_for(restarted, first.token) is None and session_for(restarted, second.token) is not None
    end_session(restarted, second.token)
    assert session_for(restarted, second.token) is None and session_for(restarted, None) is None
    restarted.close()


def test_erasing_an_account_removes_all_of_theirs(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    anne, bo = member(reflections_db, "hold", "Anne"), member(reflections_db, "hold", "Bo")
    for viewer in (anne, bo):
        create_reflection(reflections_db, viewer, Draft(QUESTION, "tekst", visibility="cohort"))
    start_session(reflections_db, sign_in(reflections_db, "hold", "Anne", PASSPHRASE, address="10.0.0.1"))
    issue_invitations(reflections_db, "hold", reset_name="Anne")
    erase_account(reflections_db, anne.account_id)
    with reflections_db.read() as connection:
        left = connection.execute(select(reflections.c.author_id)).scalars().all()
    assert left == [bo.account_id] and count(reflections_db, sessions) == 0
    with pytest.raises(NotFound):
        erase_account(reflections_db, anne.account_id)


def test_close_makes_a_cohort_read_only_and_purge_empties_it(reflections_db: Database) -> None:
    create_cohort(reflections_db, "hold", title="Hold")
    create_cohort(reflections_db, "other", title="Other")
    anne, other = member(reflections_db, "hold", "Anne"), member(reflections_db, "other", "Anne")
    create_reflection(reflections_db, anne, Draft(QUESTION, "tekst", visibility="cohort"))
    create_reflection(reflections_db, other, Draft(QUESTION, "tekst"))
    (listed,) = [c for c in list_cohorts(reflections_db) if c["slug"] == "hold"]
    assert (listed["participants"], listed["reflections"], listed["shared"], listed["open_invitations"]) == (1, 1, 1, 0)
    close_cohort(reflections_db, "hold")
    with pytest.raises(CohortClosed):
        issue_invitations(reflections_db, "hold")
    assert purge_cohort(reflections_db, "hold") == {"reflections": 1, "invitations": 1, "accounts": 1}
    assert count(reflections_db, reflections) == 1 and count(reflections_db, accounts) == 1
    with pytest.raises(NotFound, match="no cohort 'gone'"):
        purge_cohort(reflections_db, "gone")
