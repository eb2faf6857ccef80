"""The benchmark still runs end to end (tiny counts); timings are reported, never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_benchmark_smoke(tmp_path):
    out = tmp_path / "bench.json"
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    out.symlink_to(victim)  # planted: the report must replace the link, not write through it
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--runs", "1", "--warmup", "0", "--list-size",
         "6", "--batch", "2", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| scenario | contender |" in proc.stdout
    report = json.loads(out.read_text())
    assert victim.read_text() == "keep me" and not out.is_symlink()
    assert report["cpus"] and report["python"]
    names = [sc["name"] for sc in report["scenarios"]]
    assert names == ["get", "put", "help", "complete", "list 6", "audit 6", "get 2 names",
                     "exec 2 vars"]
    for sc in report["scenarios"]:
        for stats in sc["results"].values():
            assert stats["failures"] == 0 and stats["wall_median"] > 0
        assert sc["targets"] and all(t["ratio"] > 0 for t in sc["targets"])
    labels = {label for sc in report["scenarios"] for label in sc["results"]}
    assert {"safesm get (agent cache)", "safesm get (agent, TTL 0)", "safesm get (no agent)",
            "safesm TAB (agent)", "safesm get x2 (agent)"} <= labels
    assert report["agent_memory"]["entries"] == 3 and report["agent_memory"]["rss_mib"] > 0


def test_history_benchmark_smoke():
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.history", "--line", "300", "--file-mb", "0.01",
         "--command", "300"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "slowest one-line scan:" in proc.stdout and "peak RSS" in proc.stdout
    rows = [line for line in proc.stdout.splitlines() if line.startswith(("| zsh |", "| fish |"))]
    assert len(rows) == 4, proc.stdout
