from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from reviewer.domain.model import Application, Program
from reviewer.files.load import load_paths
from reviewer.shipped import criteria_dir, samples_dir

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    """The samples' Excel attachments are made, not kept in git (workbooks stay out of it): write
    them from the committed applications before any test reads the samples."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_sample_attachments",
                                                  ROOT / "tools" / "make_sample_attachments.py")
    assert spec and spec.loader
    import sys

    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.write_workbooks()


@pytest.fixture(scope="session")
def programs() -> dict[str, Program]:
    bundle = load_paths([criteria_dir()])
    assert bundle.problems == []
    return bundle.programs


@pytest.fixture(scope="session")
def samples(programs):
    bundle = load_paths([samples_dir()], base_programs=programs)
    assert bundle.problems == [], "\n".join(map(str, bundle.problems))
    return bundle


IOT_APP: dict[str, Any] = {
    "id": "T-0001",
    "program": "r2-iot",
    "title": "観光クラウドによる周遊促進",
    "track": "A",
    "model": 4,
    "applicant": {"name": "函館市", "type": "core_city", "lg_code": "012025", "prefecture": "北海道"},
    "consortium": [{"name": "北斗市", "type": "city", "lg_code": "012360"}],
    "budget": {"total_cost_yen": 12_000_000, "overhead_yen": 1_000_000, "requested_subsidy_yen": 6_000_000},
    "declarations": {"data_utilization_plan": "策定済", "documents": [f"様式{i}" for i in range(1, 7)]},
    "sections": [{"heading": "事業概要", "body": "函館市の観光データを集約する。"}],
}

AI_APP: dict[str, Any] = {
    "id": "T-0002",
    "program": "r2-ai-plan",
    "title": "AI-OCR と RPA による窓口業務の効率化計画",
    "applicant": {"name": "旭川市", "type": "core_city", "lg_code": "012041", "prefecture": "北海道"},
    "budget": {"total_cost_yen": 0, "requested_subsidy_yen": 0},
    "declarations": {"plan_this_year": True, "attend_workshops": True, "prior_support_years": [],
                     "documents": ["応募様式"]},
}

SC_APP: dict[str, Any] = {
    "id": "T-0003",
    "program": "r5-smartcity-2",
    "title": "都市OSを活用した地域交通の最適化",
    "applicant": {"name": "前橋市", "type": "core_city", "lg_code": "102016", "prefecture": "群馬県"},
    "budget": {"total_cost_yen": 40_000_000, "overhead_yen": 2_000_000, "requested_subsidy_yen": 20_000_000},
    "declarations": {"mynumber_card_rate": 0.78, "documents": ["応募様式", "セキュリティチェックシート"]},
}


def doc(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with dotted-path changes; a value of ``DELETE`` removes the key."""
    out = copy.deepcopy(base)
    for dotted, value in changes.items():
        keys = dotted.split("__")
        target = out
        for k in keys[:-1]:
            target = target.setdefault(k, {})
        if value is DELETE:
            target.pop(keys[-1], None)
        else:
            target[keys[-1]] = value
    return out


DELETE = object()


def app(base: dict[str, Any], **changes: Any) -> Application:
    return Application.model_validate(doc(base, **changes))


def write(tmp_path: Path, name: str, data: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else tomli_w.dumps(data)
    path.write_text(text, encoding="utf-8")
    return path
