"""A warning before saving text that looks like it holds a CPR number or a Danish phone number.

Participants write about their work, and a citizen's CPR number or a colleague's phone number in
a reflection would be personal data the service must not hold. The check is a heuristic, so it
asks rather than refuses: the participant may confirm that it is not what it looks like. The
confirmation names the text it was given for (`confirmation_for`), so a text changed after the
warning — a second CPR number added — is checked again instead of saved on the old "yes".
"""

from __future__ import annotations

import hashlib
import re

# ddmmyy-xxxx, or ten digits in a row
CPR = re.compile(r"(?<![\d-])\d{6}-?\d{4}(?![\d-])")
# eight digits (together or in pairs), optionally after +45
PHONE = re.compile(r"(?<![\d-])(?:\+45[\s-]?)?(?:\d{8}|\d{2}(?: \d{2}){3})(?![\d-])|\+45[\s-]?\d")


def warning_for(text: str) -> str | None:
    """The texts.py key of the warning `text` deserves ("warn_cpr", "warn_phone"), or None."""
    if CPR.search(text):
        return "warn_cpr"
    if PHONE.search(text):
        return "warn_phone"
    return None


def confirmation_for(text: str) -> str:
    """What the warning's "save anyway" sends back: a digest of the text it warned about (as the
    browser will post it again: line breaks and surrounding space do not count)."""
    return hashlib.sha256(_as_posted(text).encode("utf-8")).hexdigest()


def is_confirmed(text: str, confirmation: str) -> bool:
    """Whether `confirmation` was given for this very text (no secret: it binds, it does not sign)."""
    return confirmation == confirmation_for(text)


def _as_posted(text: str) -> str:
    # A textarea posts its line breaks as CRLF and drops a leading newline when it is shown back.
    return text.replace("\r\n", "\n").strip()
