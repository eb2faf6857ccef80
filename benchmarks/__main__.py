"""`python -m benchmarks` (or `make bench`): start the emulator, seed it, time, report.

Prints a Markdown table and writes the same figures as JSON. A benchmark, not a test:
nothing here asserts a timing; tests/e2e/test_benchmarks.py runs it once with tiny
counts so it keeps working.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from .measure import interleave, ratio, summary
from .scenarios import SAFESM, Runtimes, scenarios

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import emulator  # noqa: E402  (the same emulator the tests use)


def seed(url: str, list_size: int, batch: int) -> list[str]:
    import boto3

    sm = boto3.client("secretsmanager", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench")
    sm.create_secret(Name="bench/one", SecretString="benchmark-value")
    names = [f"bench/batch/{i:02d}" for i in range(batch)]
    for name in names:
        sm.create_secret(Name=name, SecretString=f"value-{name}")
    for i in range(max(0, list_size - batch - 1)):
        sm.create_secret(Name=f"bench/fill/{i:05d}", SecretString="x" * 256)
    return names


def environment(url: str, work: Path) -> dict[str, str]:
    (work / "config").write_text("[default]\nregion = us-east-1\n")
    (work / "credentials").write_text(
        "[default]\naws_access_key_id = bench\naws_secret_access_key = bench\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SAFESM_", "XDG_"))}
    env.update(AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(work / "config"), HOME=str(work),
               AWS_SHARED_CREDENTIALS_FILE=str(work / "credentials"))
    return env


def runtimes(work: Path) -> Runtimes:
    """Three XDG_RUNTIME_DIRs: the TTL-300 agent's, the TTL-0 agent's, an empty one."""
    dirs = {}
    for name in ("run", "run0", "norun"):
        (work / name).mkdir(mode=0o700)
        dirs[name] = {"XDG_RUNTIME_DIR": str(work / name)}
    return Runtimes(dirs["run"], dirs["run0"], dirs["norun"])


def safesm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([SAFESM, *args], env=env, capture_output=True, timeout=600)


def start_agents(env: dict[str, str], rt: Runtimes) -> None:
    for where, ttl in ((rt.agent, "300"), (rt.ttl0, "0")):
        started = safesm({**env, **where}, "agent", "start", "--ttl", ttl, "--idle", "0")
        if started.returncode != 0:
            raise SystemExit(f"the agent did not start: {started.stderr.decode()}")
    safesm({**env, **rt.none}, "list")  # a fresh name cache file for the TAB contender


def stop_agents(env: dict[str, str], rt: Runtimes) -> None:
    for where in (rt.agent, rt.ttl0):
        safesm({**env, **where}, "agent", "stop")


def agent_memory(env: dict[str, str], rt: Runtimes, names: list[str]) -> dict[str, float]:
    """The TTL-300 agent's resident memory after caching `names` (read 20 at a time)."""
    agent_env = {**env, **rt.agent}
    safesm(agent_env, "agent", "clear")
    for start in range(0, len(names), 20):
        safesm(agent_env, "get", *names[start:start + 20])
    facts = json.loads(safesm(agent_env, "agent", "status", "--json").stdout)
    status = Path(f"/proc/{facts['pid']}/status").read_text()
    kib = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
           if line.startswith(("VmRSS", "VmHWM"))}
    return {"entries": facts["entries"], "rss_mib": kib["VmRSS"] / 1024,
            "peak_rss_mib": kib["VmHWM"] / 1024}
def save(path: Path, text: str) -> None:
    """Write the report through a new temporary file beside it, renamed over it: a symbolic
    link planted at the path is replaced, never followed, and a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # O_EXCL, 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def table(report: dict) -> str:
    lines = ["| scenario | contender | median s | min s | max s | CPU s | RSS MiB | vs target |",
             "|---|---|---|---|---|---|---|---|"]
    for sc in report["scenarios"]:
        for label, st in sc["results"].items():
            marks = []
            for t in sc["targets"]:
                if label == t["label"]:
                    ok = "met" if t["ratio"] <= t["max"] else "NOT met"
                    marks.append(f"{t['ratio']:.2f}x {t['baseline']} (target ≤ {t['max']}x:"
                                 f" {ok})")
            mark = "; ".join(marks)
            lines.append(f"| {sc['name']} | {label} | {st['wall_median']:.3f} | "
                         f"{st['wall_min']:.3f} | {st['wall_max']:.3f} | {st['cpu_median']:.3f} |"
                         f" {st['rss_mib_median']:.1f} | {mark} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--list-size", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--only", action="append", help="run only scenarios starting with this")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = ap.parse_args(argv)
    # A pip install byte-compiles the package; an editable checkout (with
    # PYTHONDONTWRITEBYTECODE set, as on CI machines) would recompile safesm on every run.
    compileall.compile_dir(str(ROOT / "safesm"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with open(work / "emulator.log", "wb") as log:
            proc, url = emulator.start(log)
        rt = runtimes(work)
        try:
            batch = seed(url, args.list_size, args.batch)
            env = environment(url, work)
            value_file = work / "value"
            value_file.write_bytes(b"benchmark-value-2")
            report = {"cpus": os.cpu_count(), "python": platform.python_version(),
                      "machine": platform.machine(), "runs": args.runs, "scenarios": []}
            start_agents(env, rt)
            for sc in scenarios(value_file, batch, args.list_size, rt):
                if args.only and not any(sc.name.startswith(o) for o in args.only):
                    continue
                results = {k: summary(v) for k, v in
                           interleave(sc.contenders, env, args.runs, args.warmup).items()}
                targets = [{"label": label, "baseline": base, "max": limit,
                            "ratio": ratio(results[label], results[base])}
                           for label, base, limit in sc.targets]
                report["scenarios"].append({"name": sc.name, "results": results,
                                            "targets": targets})
            fill = [f"bench/fill/{i:05d}" for i in range(min(1000, args.list_size - 1 -
                                                                args.batch))]
            report["agent_memory"] = agent_memory(env, rt, fill)
        finally:
            stop_agents(environment(url, work), rt)
            emulator.stop(proc)
    print(f"{report['cpus']} CPUs, Python {report['python']}, {args.runs} runs after "
          f"{args.warmup} warm-up, medians of whole processes\n")
    print(table(report))
    mem = report["agent_memory"]
    print(f"\nAgent memory with {mem['entries']} cached entries: {mem['rss_mib']:.1f} MiB "
          f"resident, {mem['peak_rss_mib']:.1f} MiB peak.")
    save(args.json, json.dumps(report, indent=2))
    failed = [(sc["name"], k) for sc in report["scenarios"] for k, v in sc["results"].items()
              if v["failures"]]
    for name, label in failed:
        print(f"warning: {name}: {label} exited non-zero in some runs", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
