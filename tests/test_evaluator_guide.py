"""The evaluators' guide: docs/evaluator-guide.txt (one printed page) and the README's section
「SSH で接続する（評価者向け）」 cover each client, the terminal's size, UTF-8 and garbled text, and
name only keys the app's own help names."""

from __future__ import annotations

import re

from conftest import ROOT

from reviewer.present.text import width

GUIDE = ROOT / "docs" / "evaluator-guide.txt"
SECTION = "## SSH で接続する（評価者向け）"


def guide_lines() -> list[str]:
    return GUIDE.read_text("utf-8").splitlines()


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return readme[start:end if end >= 0 else None]


def help_keys() -> set[str]:
    """Every key the evaluator's help screen names (F1 / ?), one by one: "F2 / C-s" is F2 and
    C-s, "y / n （必須要件）" y and n."""
    from reviewer.tui.screens.help import sections

    keys = set()
    for _, rows in sections(chair=False, viewing_as_evaluator=False):
        for key, _what in rows:
            key = re.sub(r"[ 　]*（.*?）", "", key).strip()
            keys.update(k.strip() for k in key.split(" / ") if k.strip())
    return keys


def test_the_guide_is_one_printed_page():
    text = GUIDE.read_text("utf-8")
    lines = guide_lines()
    assert text.endswith("\n") and len(lines) <= 60
    too_wide = [(n, width(line), line) for n, line in enumerate(lines, 1) if width(line) > 80]
    assert not too_wide, too_wide
    assert not re.search(r"[\t\x00-\x08\x0b-\x1f\x7f]", text)  # plain text: no tabs, no control characters
    assert all(line == line.rstrip() for line in lines)


def test_the_guide_covers_each_client_the_size_and_garbled_text():
    for text in (GUIDE.read_text("utf-8"), readme_section()):
        for needle in ("Windows Terminal", "Tera Term", "PuTTY", "macOS", "Linux", "UTF-8", "ja_JP.UTF-8", "C.UTF-8",
                       "フォント", "文字化け", "ssh -t review@", "ssh-keygen -t ed25519", "80", "24", "120", "40", "F6"):
            assert needle in text, needle
    assert "Windows 10/11" in GUIDE.read_text("utf-8") and "OpenSSH" in readme_section()


def test_the_wide_layout_starts_where_the_readme_says():
    from reviewer.tui.app import ReviewerApp

    assert (100, "-wide") in ReviewerApp.HORIZONTAL_BREAKPOINTS
    assert "横 100 桁以上で申請書と採点欄が並びます" in re.sub(r"\s*\n\s*", "", readme_section())


def guide_key_table() -> list[str]:
    """The key column of the guide's table of keys (after 主なキー, up to the blank line)."""
    lines = guide_lines()
    start = next(n for n, line in enumerate(lines) if line.startswith("主なキー"))
    keys = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        m = re.match(r"^  (\S(?:.*?\S)?) {2,}\S", line)
        if m:
            keys.append(m.group(1))
    return keys


def test_each_key_the_guide_names_is_in_the_apps_help():
    known = help_keys()
    table = guide_key_table()
    assert len(table) >= 15
    named = [k for entry in table for k in entry.split(" / ")]
    assert {"F1", "?", "Enter", "F2", "C-s", "Esc", "C-q", "F6"} <= set(named)
    assert [k for k in named if k not in known] == []


def test_each_key_the_readme_names_is_in_the_apps_help():
    known = help_keys()
    text = readme_section()
    named = re.findall(r"`([^`\s]{1,6})`", text[text.index("**キー**"):]) + re.findall(r"`(F\d+)`", text)
    assert {"F1", "?", "F2", "C-q", "F6"} <= set(named)
    assert [k for k in named if k not in known] == []

