"""Timing whole processes: wall time, CPU time and peak RSS from wait4(), interleaved.

Pure statistics live here too so that the smoke test can check them without timing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contender:
    label: str
    argv: Sequence[str]
    stdin: bytes | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    failures: int = 0


# A lean runner forks the contender: a child's peak RSS counts the memory of the process
# it was forked from, so forking from this (large) harness would inflate every figure.
RUNNER = """
import os, sys, time
data = sys.stdin.buffer.read()
r, w = os.pipe()
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(r, 0); os.close(r); os.close(w)
    null = os.open(os.devnull, os.O_WRONLY); os.dup2(null, 1); os.dup2(null, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(r); os.write(w, data); os.close(w)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_once(c: Contender, env: dict[str, str]) -> tuple[float, float, int, int]:
    """One run of one process: (wall s, cpu s, peak RSS KiB, exit status)."""
    out = subprocess.run([sys.executable, "-S", "-c", RUNNER, *c.argv], input=c.stdin or b"",
                         capture_output=True, env={**env, **c.env}, check=True).stdout
    wall, cpu, rss, code = out.split()
    return float(wall), float(cpu), int(rss), int(code)


def interleave(contenders: Sequence[Contender], env: dict[str, str], runs: int,
               warmup: int) -> dict[str, Samples]:
    """A B C A B C ...: drift on the machine hits every contender alike."""
    results = {c.label: Samples() for c in contenders}
    for i in range(warmup + runs):
        for c in contenders:
            wall, cpu, rss, code = run_once(c, env)
            if i < warmup:
                continue
            s = results[c.label]
            if code != 0:
                s.failures += 1
            s.wall.append(wall)
            s.cpu.append(cpu)
            s.rss_kib.append(rss)
    return results


def summary(s: Samples) -> dict[str, float]:
    return {
        "wall_min": min(s.wall), "wall_median": statistics.median(s.wall),
        "wall_max": max(s.wall), "cpu_median": statistics.median(s.cpu),
        "rss_mib_median": statistics.median(s.rss_kib) / 1024, "runs": len(s.wall),
        "failures": s.failures,
    }


def ratio(a: dict[str, float], b: dict[str, float]) -> float:
    return a["wall_median"] / b["wall_median"] if b["wall_median"] else float("nan")
