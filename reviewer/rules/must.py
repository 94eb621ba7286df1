"""The must majority (SPEC §4): an application fails a must criterion when at least as many
submitted sheets judge it "fail" as "pass"."""

from __future__ import annotations


def must_failed(passes: int, fails: int) -> bool:
    """Whether the marks of one must criterion fail it (a tie fails)."""
    return fails >= passes
