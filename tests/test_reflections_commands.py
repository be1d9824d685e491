"""The facilitator's commands against a real database (SQLite and PostgreSQL): cohorts, invitation
links and their QR sheet, close, purge with confirmation, backup and restore, errors as one line."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conceptgraph.cli import cohort as commands
from conceptgraph.reflections.database import open_database
from conceptgraph.reflections.invitations import invitation_for

PUBLIC = "https://kursus.example.org"


@click.group()
def cli() -> None:
    """The commands as the conceptgraph group will hold them."""


for command in (commands.cohort, commands.backup_command, commands.restore_command):
    cli.add_command(command)


@pytest.fixture
def run(reflections_url: str, reflections_db: object) -> object:
    def invoke(*args: str, url: str = reflections_url, given: str | None = None) -> tuple[int, str, str]:
        env = {"CONCEPTGRAPH_REFLECTIONS_DB": url, "CONCEPTGRAPH_PUBLIC_URL": PUBLIC}
        result = CliRunner().invoke(cli, list(args), env=env, input=given)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_a_facilitator_creates_invites_lists_closes_and_purges(run, reflections_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("cohort", "create", "hold-1", "--title", "Hold efterår 2026")[0] == 0
    code, out, _ = run("cohort", "invite", "hold-1", "--count", "3", "--pdf", str(tmp_path / "qr.pdf"))
    links = out.split()
    assert code == 0 and len(links) == 3 and all(link.startswith(f"{PUBLIC}/join/") for link in links)
    db = open_database(reflections_url)
    assert invitation_for(db, links[0].rsplit("/", 1)[1]).role == "participant"
    code, out, _ = run("cohort", "invite", "hold-1", "--facilitator")
    assert invitation_for(db, out.strip().rsplit("/", 1)[1]).role == "facilitator"
    db.close()
    sheet = PdfReader(tmp_path / "qr.pdf")
    assert "Hold efterår 2026" in sheet.pages[0].extract_text() and len(sheet.pages[0].images) == 3
    code, out, _ = run("cohort", "list")
    assert out.splitlines()[1].split("\t") == ["hold-1", "Hold efterår 2026", "open", "0", "0", "0", "0", "4"]
    assert run("cohort", "close", "hold-1")[0] == 0
    code, _, err = run("cohort", "invite", "hold-1")
    assert code == 2 and "closed" in err and len(err.splitlines()) == 1
    code, out, _ = run("cohort", "purge", "hold-1", given="n\n")
    assert code == 1 and "purged" not in out
    code, out, _ = run("cohort", "purge", "hold-1", "--yes")
    assert code == 0 and "4 invitations" in out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["cohort", "create", "Bad Slug", "--title", "x"], "slug"),
        (["cohort", "invite", "nope"], "slug"),
        (["cohort", "close", "nope"], "slug"),
        (["cohort", "invite", "hold", "--count", "2", "--reset", "Anne"], "count"),
    ],
)
def test_a_wrong_parameter_is_one_line_naming_it(run, args: list[str], named: str) -> None:  # type: ignore[no-untyped-def]
    run("cohort", "create", "hold", "--title", "Hold")
    code, _, err = run(*args)
    assert code == 2 and err.startswith(f"error: {named}:") and len(err.splitlines()) == 1, err


def test_backup_then_restore_into_an_empty_database(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("cohort", "create", "hold", "--title", "Hold")
    run("cohort", "invite", "hold", "--count", "2")
    code, out, _ = run("backup", str(tmp_path / "b.jsonl"))
    assert code == 0 and "3 rows" in out
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run("restore", str(tmp_path / "b.jsonl"), url=fresh)[1].startswith("restored 3 rows")
    code, out, _ = run("cohort", "list", url=fresh)
    assert out.splitlines()[1].split("\t")[-1] == "2"
    code, _, err = run("restore", str(tmp_path / "b.jsonl"), url=fresh)
    assert code == 2 and "empty database" in err


def test_an_unreachable_database_is_named_with_its_password_masked(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("cohort", "list", url="postgresql://u:hunter22@127.0.0.1:1/x")
    assert code == 2 and "hunter22" not in err and "***" in err and "reflections_db" in err
