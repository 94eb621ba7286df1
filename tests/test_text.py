"""Text helpers for terminals (reviewer.present.text)."""

from __future__ import annotations

from reviewer.present.text import jst


def test_stored_timestamps_are_shown_in_japan_time():
    assert jst("2026-04-01T15:30:00.000+00:00") == "2026-04-02 00:30"   # across midnight
    assert jst("2026-04-01T15:30:00") == "2026-04-02 00:30"             # naive: stored as UTC
    assert jst("2026-04-01T09:30:00+09:00") == "2026-04-01 09:30"
    assert jst(None) == "" and jst("") == ""
    assert jst("not a time") == "not a time"


def test_pack_breaks_between_items_only():
    from reviewer.present.text import pack, width

    items = ["提出済 27 / 割当 28（96%）", "予算 150,000,000円", "", "申請額合計 141,090,000円", "集計: 平均", "x" * 50]
    lines = pack(items, 40)
    assert all(width(line) <= 40 for line in lines[:-1]) and lines[-1] == "x" * 50
    assert [i for line in lines for i in line.split("  ")] == [i for i in items if i]  # every item whole, in order
    assert pack(items[:2], 80) == ["提出済 27 / 割当 28（96%）  予算 150,000,000円"]
