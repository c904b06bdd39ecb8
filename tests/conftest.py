import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
TRUTH = SHARED / "truth"
EXAM = SEEDS / "001_13a6aa9ecbbfac5a.txt"
HW12 = SEEDS / "002_c2737d6fc07f4f16.txt"


def chromium_path() -> str:
    """Debian's chromium, for the browser tests: skipped where it is missing, except in CI."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run should install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def truth(name: str) -> dict:
    return json.loads((TRUTH / name).read_text())


@pytest.fixture(scope="session")
def exam():
    from tabench import ingest

    return ingest(EXAM)


@pytest.fixture(scope="session")
def hw12():
    from tabench import ingest

    return ingest(HW12)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    """No test writes to the user's real store: TABENCH_HOME points at a fresh folder unless a test sets its own."""
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path_factory.mktemp("tabench-home")))
