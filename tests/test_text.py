"""Text helpers for terminals (reviewer.present.text)."""

from __future__ import annotations

from reviewer.present.text import jst


def test_stored_timestamps_are_shown_in_japan_time():
    assert jst("2026-04-01T15:30:00.000+00:00") == "2026-04-02 00:30"   # across midnight
    assert jst("2026-04-01T15:30:00") == "2026-04-02 00:30"             # naive: stored as UTC
    assert jst("2026-04-01T09:30:00+09:00") == "2026-04-01 09:30"
    assert jst(None) == "" and jst("") == ""
    assert jst("not a time") == "not a time"
