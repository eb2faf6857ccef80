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
import sys
import tempfile
from pathlib import Path

from .measure import interleave, ratio, summary
from .scenarios import scenarios

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
        sm.create_secret(Name=f"bench/fill/{i:05d}", SecretString="x")
    return names


def environment(url: str, work: Path) -> dict[str, str]:
    (work / "config").write_text("[default]\nregion = us-east-1\n")
    (work / "credentials").write_text(
        "[default]\naws_access_key_id = bench\naws_secret_access_key = bench\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(work / "config"), HOME=str(work),
               AWS_SHARED_CREDENTIALS_FILE=str(work / "credentials"))
    return env


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
            mark = ""
            if sc["target"] and label == sc["target"]["label"]:
                t = sc["target"]
                ok = "met" if t["ratio"] <= t["max"] else "NOT met"
                mark = f"{t['ratio']:.2f}x {t['baseline']} (target ≤ {t['max']}x: {ok})"
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
        try:
            batch = seed(url, args.list_size, args.batch)
            env = environment(url, work)
            value_file = work / "value"
            value_file.write_bytes(b"benchmark-value-2")
            report = {"cpus": os.cpu_count(), "python": platform.python_version(),
                      "machine": platform.machine(), "runs": args.runs, "scenarios": []}
            for sc in scenarios(value_file, batch, args.list_size):
                if args.only and not any(sc.name.startswith(o) for o in args.only):
                    continue
                results = {k: summary(v) for k, v in
                           interleave(sc.contenders, env, args.runs, args.warmup).items()}
                target = None
                if sc.target:
                    label, base, limit = sc.target
                    target = {"label": label, "baseline": base, "max": limit,
                              "ratio": ratio(results[label], results[base])}
                report["scenarios"].append({"name": sc.name, "results": results,
                                            "target": target})
        finally:
            emulator.stop(proc)
    print(f"{report['cpus']} CPUs, Python {report['python']}, {args.runs} runs after "
          f"{args.warmup} warm-up, medians of whole processes\n")
    print(table(report))
    save(args.json, json.dumps(report, indent=2))
    failed = [(sc["name"], k) for sc in report["scenarios"] for k, v in sc["results"].items()
              if v["failures"]]
    for name, label in failed:
        print(f"warning: {name}: {label} exited non-zero in some runs", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
