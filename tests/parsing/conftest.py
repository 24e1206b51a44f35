from __future__ import annotations

from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "gold"


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    if not GOLD.is_dir():
        pytest.skip(f"gold files not found at {GOLD} (the shared folder beside the repo)")
    return GOLD
