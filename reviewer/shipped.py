"""Where the shipped criteria and samples are: inside the installed package (a wheel
copies them to reviewer/_shipped/), or beside the package in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_shipped" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "_shipped" / name


def criteria_dir() -> Path:
    return _find("criteria")


def samples_dir() -> Path:
    return _find("sample_applications")
