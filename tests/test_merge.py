"""The three-way merge of a sheet saved over a newer revision (hand-made cases)."""

from reviewer.rules.merge import BOTH_TEXTS, Content, merge


def test_items_changed_on_different_sides_merge():
    base = Content({"A1": 1, "A2": 2}, "c")
    m = merge(base, Content({"A1": 3, "A2": 2}, "c"), Content({"A1": 1, "A2": 5, "A3": 4}, "c"))
    assert m.content.scores == {"A1": 3, "A2": 5, "A3": 4} and m.clean and m.taken == {"A2": 5, "A3": 4}


def test_the_same_item_changed_both_ways_keeps_mine_and_says_theirs():
    base = Content({"A1": 1}, "")
    m = merge(base, Content({"A1": 3}, ""), Content({"A1": 4}, ""))
    assert m.content.scores == {"A1": 3} and m.conflicts == {"A1": (4, 3)} and not m.clean


def test_clearing_and_removing():
    base = Content({"A1": 1, "A2": 2}, "")
    m = merge(base, Content({"A2": 2}, ""), Content({"A1": 1}, ""))   # I cleared A1, they removed A2
    assert m.content.scores == {}
    m = merge(base, Content({"A2": 2}, ""), Content({"A1": 5, "A2": 2}, ""))   # I cleared A1, they changed it: mine kept, theirs said
    assert m.conflicts == {"A1": (5, None)} and m.content.scores == {"A2": 2}


def test_comments_changed_on_both_sides_keep_both_texts():
    base = Content({}, "所見")
    m = merge(base, Content({}, "所見（私）"), Content({}, "所見（取込）"))
    assert m.both_comments and m.content.comment == "所見（取込）" + BOTH_TEXTS + "所見（私）"
    assert merge(base, Content({}, "所見（私）"), base).content.comment == "所見（私）"
    assert merge(base, base, Content({}, "新")).content.comment == "新"
    assert merge(base, Content({}, "同じ"), Content({}, "同じ")).clean
