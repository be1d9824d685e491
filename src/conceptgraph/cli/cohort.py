"""The facilitator's commands: `cohort create|invite|list|close|purge`, `backup`, `restore`.

Each opens the database of the `reflections_db` setting (CONCEPTGRAPH_REFLECTIONS_DB) and brings
its schema up to date first. Errors print one line naming the parameter and exit with code 2.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from conceptgraph.cli.options import reports_errors
from conceptgraph.config import load_settings, public_url
from conceptgraph.reflections.backup import backup, restore
from conceptgraph.reflections.cohorts import close_cohort, create_cohort, list_cohorts, purge_cohort
from conceptgraph.reflections.database import Database, open_database
from conceptgraph.reflections.invitations import MAX_COUNT, issue_invitations
from conceptgraph.reflections.invite_sheet import write_invite_sheet
from conceptgraph.reflections.migrations import migrate


def _database() -> Database:
    """The configured database at the latest schema (closed again if migrating fails)."""
    db = open_database(settings=load_settings())
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


@click.group()
def cohort() -> None:
    """Run a cohort (one run of the course): create it, invite people, close and purge it."""


@cohort.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="The cohort's name as participants see it, e.g. 'Hold efterår 2026'.")
@reports_errors
def create_command(slug: str, title: str) -> None:
    """Create the cohort SLUG (lowercase letters, digits and '-')."""
    with _database() as db:
        made = create_cohort(db, slug, title=title)
    click.echo(f"created cohort {made.slug}: {made.title}")


@cohort.command("invite")
@click.argument("slug")
@click.option("--count", type=click.IntRange(1, MAX_COUNT), default=1, show_default=True, help="Invitations to make.")
@click.option("--facilitator", is_flag=True, help="Invite facilitators instead of participants.")
@click.option("--reset", "reset_name", metavar="NAME", help="One link that resets NAME's forgotten passphrase.")
@click.option("--days", type=click.IntRange(1, 365), default=14, show_default=True, help="Days the links stay valid.")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Also write a sheet of QR codes here.")
@reports_errors
def invite_command(
    slug: str, count: int, facilitator: bool, reset_name: str | None, days: int, pdf: Path | None
) -> None:
    """Print one single-use invitation link per line (PUBLIC_URL/join/<token>) for the cohort SLUG."""
    role = "facilitator" if facilitator else "participant"
    with _database() as db:
        tokens = issue_invitations(db, slug, count=count, role=role, reset_name=reset_name, valid_for=timedelta(days))
        title = next(c["title"] for c in list_cohorts(db) if c["slug"] == slug)
    urls = [f"{public_url(load_settings())}/join/{token}" for token in tokens]
    if pdf is not None:
        write_invite_sheet(pdf, title, urls)
    click.echo("\n".join(urls))


@cohort.command("list")
@reports_errors
def list_command() -> None:
    """List the cohorts with their people, reflections and open invitations."""
    click.echo("slug\ttitle\tstate\tparticipants\tfacilitators\treflections\tshared\topen invitations")
    with _database() as db:
        listed = list_cohorts(db)
    for c in listed:
        state = "closed" if c["closed_at"] else "open"
        counts = (c["participants"], c["facilitators"], c["reflections"], c["shared"], c["open_invitations"])
        click.echo("\t".join([c["slug"], c["title"], state, *map(str, counts)]))


@cohort.command("close")
@click.argument("slug")
@reports_errors
def close_command(slug: str) -> None:
    """Make the cohort SLUG read-only: reading, export and erasure still work."""
    with _database() as db:
        close_cohort(db, slug)
    click.echo(f"closed cohort {slug}: it is read-only now")


@cohort.command("purge")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def purge_command(slug: str, yes: bool) -> None:
    """Delete every reflection, account, invitation and session of the cohort SLUG, for good."""
    if not yes:
        click.confirm(f"Delete every reflection and account of cohort {slug!r}? This cannot be undone", abort=True)
    with _database() as db:
        counts = purge_cohort(db, slug)
    click.echo(f"purged cohort {slug}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def backup_command(file: Path) -> None:
    """Write every table of the reflections database to FILE (portable JSON Lines)."""
    with _database() as db:
        counts = backup(db, file)
    click.echo(f"wrote {sum(counts.values())} rows to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def restore_command(file: Path) -> None:
    """Load a backup FILE into an empty reflections database (SQLite or PostgreSQL)."""
    with open_database(settings=load_settings()) as db:
        counts = restore(db, file)
    click.echo(f"restored {sum(counts.values())} rows from {file}")
