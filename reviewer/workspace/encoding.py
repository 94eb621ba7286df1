"""How values are stored: canonical JSON (sorted keys, no spaces) and content hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
