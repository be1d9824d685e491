"""What the reflections layer refuses, one class per answer a caller gives (HTTP status in brackets).

    ReflectionsError (ConceptGraphError)
     ├── DatabaseUnavailable  the database cannot be opened or reached (503); URL masked
     ├── Invalid              input breaks a rule; `field` names the parameter (400 / 422)
     ├── NotFound             no such thing, or not one the viewer may see (404)
     ├── NotAllowed           the viewer sees it but may not do this (403)
     ├── CohortClosed         the cohort is read-only since it was closed (409)
     ├── LimitReached         the account keeps as much as a setting allows (409); `setting`, `limit`
     ├── VersionConflict      If-Match failed: someone changed or deleted it first (412); `current` version
     ├── InvitationInvalid    an invitation token is unknown, used or expired: one message (404/410)
     ├── SignInFailed         cohort, name or passphrase wrong: one message, no hint which (401)
     └── RateLimited          too many failed sign-ins; `retry_after` seconds (429)

No message ever holds reflection text, a passphrase, a token or a database password.
"""

from __future__ import annotations

from conceptgraph.errors import ConceptGraphError, masked


class ReflectionsError(ConceptGraphError):
    """Base of every refusal of the reflections layer."""


class DatabaseUnavailable(ReflectionsError):
    """The reflections database cannot be opened; the message names the (masked) URL and why."""

    def __init__(self, message: str) -> None:
        super().__init__(masked(message))


class Invalid(ReflectionsError):
    """A value breaks a rule; `field` is the parameter's name, the message what is expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFound(ReflectionsError):
    """Nothing of that kind and id the viewer may see (the same answer whether it exists or not)."""


class NotAllowed(ReflectionsError):
    """The viewer may see it but not change it (someone else's shared reflection)."""


class CohortClosed(ReflectionsError):
    """The cohort was closed by its facilitator; it can be read, exported and erased, not written."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"cohort {slug!r} is closed: it is read-only (reading, export and erasure still work)")
        self.slug = slug


class LimitReached(ReflectionsError):
    """The write would take the account past what the setting `setting` allows (`limit`: a number
    of reflections, or of bytes); `reason` says how, and that deleting a reflection makes room."""

    def __init__(self, setting: str, limit: int, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.limit = limit


class VersionConflict(ReflectionsError):
    """The reflection changed since the caller read it; `current` is its version now, or None when
    it was deleted meanwhile (nothing is left to change)."""

    def __init__(self, current: int | None) -> None:
        if current is None:
            message = "the reflection was deleted since you read it; there is nothing left to change"
        else:
            message = f"the reflection was changed since you read it (it is at version {current}); reload it"
        super().__init__(message)
        self.current = current


class InvitationInvalid(ReflectionsError):
    """The same answer for an unknown, used or expired invitation, so tokens cannot be probed."""

    def __init__(self) -> None:
        super().__init__("this invitation link is not valid: it is unknown, already used or expired")


class SignInFailed(ReflectionsError):
    """Cohort, name or passphrase is wrong; which one is not said."""

    def __init__(self) -> None:
        super().__init__("cohort, name or passphrase is wrong")


class RateLimited(ReflectionsError):
    """Too many failed sign-ins for this name or from this address; try again after `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after
