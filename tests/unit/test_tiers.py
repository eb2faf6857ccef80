"""The two test tiers stay apart: e2e files are marked, and fast tests start no process."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from tests.tiers import ProcessGuard

E2E = Path(__file__).resolve().parents[1] / "e2e"


def _marks_module_e2e(path: Path) -> bool:
    for node in ast.parse(path.read_text()).body:
        if (isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets]
                == ["pytestmark"] and ast.unparse(node.value) == "pytest.mark.e2e"):
            return True
    return False


@pytest.mark.parametrize("path", sorted(E2E.glob("test_*.py")), ids=lambda p: p.name)
def test_every_e2e_file_carries_the_marker(path):
    assert _marks_module_e2e(path), f"{path.name} needs `pytestmark = pytest.mark.e2e`"


def test_a_fast_test_that_starts_a_process_is_stopped():
    with pytest.raises(RuntimeError, match="may not start a process"):
        subprocess.run(["true"], check=False)
    assert ProcessGuard.attempts == ["subprocess.Popen(true)"]
    ProcessGuard.attempts.clear()  # seen; the guard's own check would fail this test

