"""A participant's data as readable Markdown (GET /me/export?format=md), in Danish or English.

Everything a participant wrote is escaped for Markdown, so a text like `<img src=x onerror=…>` or
`[link](javascript:…)` stays text in any Markdown viewer: HTML, links, emphasis and line-start
markers lose their meaning behind a backslash.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from conceptgraph.texts import translate

_INLINE = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """`text` as Markdown that renders as exactly that text (no HTML, links or formatting)."""
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", _INLINE.sub(r"\\\1", text))


def account_markdown(export: dict[str, Any], lang: str, exported_at: datetime) -> str:
    """The export of `reading.export_account` as a Markdown document in `lang`."""
    t = lambda key: translate(key, lang)  # noqa: E731
    account, cohort = export["account"], export["cohort"]
    lines = [
        f"# {t('export_md_title')}",
        "",
        f"- {t('export_md_name')}: {escape(account['name'])}",
        f"- {t('export_md_cohort')}: {escape(cohort['title'])} ({escape(cohort['slug'])})",
        f"- {t('export_md_role')}: {escape(account['role'])}",
        f"- {t('export_md_joined')}: {account['created_at']}",
        f"- {t('export_md_exported')}: {exported_at.isoformat(timespec='seconds')}",
        "",
        f"## {t('export_md_reflections')} ({len(export['reflections'])})",
    ]
    for number, reflection in enumerate(export["reflections"], start=1):
        lines += ["", *_reflection(reflection, number, t)]
    return "\n".join(lines) + "\n"


def _reflection(reflection: dict[str, Any], number: int, t: Any) -> list[str]:
    shared = t("export_md_shared") if reflection["visibility"] == "cohort" else t("export_md_private")
    lines = [
        f"### {number}. <{reflection['target']}>",
        "",
        f"- {t('export_md_visibility')}: {shared}",
        f"- {t('export_md_written')}: {reflection['created_at']}; {t('export_md_changed')}: "
        f"{reflection['modified_at']} (version {reflection['version']})",
        "",
        *_quoted(reflection["text"]),
    ]
    if reflection["links"]:
        lines += ["", f"{t('export_md_links')}:"]
        lines += [f"- <{link['resource']}>: {escape(link['rationale'])}" for link in reflection["links"]]
    for earlier in reflection["history"]:
        lines += ["", f"#### {t('export_md_earlier')} {earlier['version']} ({earlier['edited_at']})", ""]
        lines += _quoted(earlier["body"])
    return lines


def _quoted(text: str) -> list[str]:
    return [f"> {escape(line)}" if line.strip() else ">" for line in text.splitlines()]
