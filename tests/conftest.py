"""Shared fixtures: one Coder per test session, and the path to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data sets live beside the repository")
    return path


@pytest.fixture(scope="session")
def coder():
    from detente.coder import Coder

    return Coder.build()
