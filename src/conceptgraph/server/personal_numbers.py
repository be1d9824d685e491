"""A warning before saving text that looks like it holds a CPR number or a Danish phone number.

Participants write about their work, and a citizen's CPR number or a colleague's phone number in
a reflection would be personal data the service must not hold. The check is a heuristic, so it
asks rather than refuses: the participant may confirm that it is not what it looks like.
"""

from __future__ import annotations

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
