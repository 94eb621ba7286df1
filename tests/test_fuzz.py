"""Property-based: random bytes and random TOML never crash the loaders."""

from __future__ import annotations

import copy

import tomli_w
from conftest import IOT_APP, SC_APP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.domain.vocabulary import FILE_KINDS as KINDS
from reviewer.files.load import Problem, load_doc, load_paths, parse_toml

# filter_too_much: the document strategy filters out None scalars, and a run can draw many of them
# (seen once on a loaded machine); the inputs it does generate are what the test is about.
FAST = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


def load_bytes(raw: bytes, kind: str | None = None):
    doc, text, problems = parse_toml("x.toml", raw)
    if doc is None:
        assert problems and all(isinstance(p, Problem) for p in problems)
        return None, problems
    return load_doc("x.toml", doc, text, kind)


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(raw):
    loaded, problems = load_bytes(raw)
    assert loaded is not None or problems


@FAST
@given(st.text(alphabet=st.sampled_from(list('[]{}="\'\n#.,=abc 0123_-:TZ+é函館市\\\t')), max_size=300))
def test_toml_like_text(text):
    load_bytes(text.encode("utf-8"))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True), st.text(max_size=20), st.dates(), st.datetimes(),
)
values = st.recursive(
    scalars.filter(lambda v: v is not None),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = ["id", "program", "title", "track", "model", "applicant", "consortium", "budget", "declarations",
        "sections", "evaluators", "assignments", "evaluator", "sheets", "criteria", "name", "type", "lg_code",
        "prefecture", "scores", "status", "funding", "eligibility", "selection", "tracks", "kind"]
documents = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), values, max_size=8)


@FAST
@given(documents, st.sampled_from([None, *KINDS]))
def test_random_toml_documents(d, kind):
    try:
        raw = tomli_w.dumps(d).encode()
    except (TypeError, ValueError):
        return
    load_bytes(raw, kind)


def _paths(d, prefix=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


def mutated(base, data) -> bytes | None:
    """``base`` with one value, anywhere in it, replaced by anything; None where TOML can't hold it."""
    d = copy.deepcopy(base)
    path = data.draw(st.sampled_from(list(_paths(d))))
    target = d
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = data.draw(values)
    try:
        return tomli_w.dumps(d).encode()
    except (TypeError, ValueError):
        return None


@FAST
@given(st.sampled_from([IOT_APP, SC_APP]), st.data())
def test_mutated_applications(base, data):
    """A valid application with one value replaced by anything: a problem list, never a crash."""
    raw = mutated(base, data)
    if raw is None:
        return
    load_bytes(raw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([IOT_APP, SC_APP]), st.data())
def test_mutated_applications_through_the_bundle(tmp_path_factory, programs, base, data):
    """Cross-file checks (program rules, checks) also never crash on odd but parseable values."""
    raw = mutated(base, data)
    if raw is None:
        return
    folder = tmp_path_factory.mktemp("m")
    (folder / "a.toml").write_bytes(raw)
    bundle = load_paths([folder], base_programs=programs)
    from reviewer.rules.checks import run_checks

    for pid, apps in bundle.applications.items():
        for a in apps.values():
            run_checks(a, bundle.programs[pid])
