"""People for the reflections tests, made as a facilitator and a participant would: invite, redeem."""

from __future__ import annotations

from conceptgraph.reflections.database import Database
from conceptgraph.reflections.invitations import issue_invitations, redeem_invitation
from conceptgraph.reflections.visibility import Viewer

PASSPHRASE = "korrekt hest batteri"


def member(db: Database, slug: str, name: str, role: str = "participant") -> Viewer:
    """A new account in the cohort, through an invitation, as the viewer it signs in as."""
    (token,) = issue_invitations(db, slug, role=role)
    return redeem_invitation(db, token, name=name, passphrase=PASSPHRASE).viewer
