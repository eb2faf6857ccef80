"""The side-by-side scenarios: what runs against what, and which ratios are the targets.

Two agents run during a benchmark (benchmarks/__main__.py starts them): one with the
default TTL in `run/`, one with TTL 0 in `run0/`; a contender picks one through
XDG_RUNTIME_DIR, and "no agent" contenders point it at an empty directory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .measure import Contender

PY = sys.executable
BIN = Path(sys.executable).parent
SAFESM = str(BIN / "safesm")
AWS = str(BIN / "aws")

FLOOR = """
import sys, botocore.session
c = botocore.session.get_session().create_client("secretsmanager")
sys.stdout.write(c.get_secret_value(SecretId=sys.argv[1])["SecretString"])
"""

Target = tuple[str, str, float]  # (label, baseline label, max ratio)


@dataclass(frozen=True)
class Scenario:
    name: str
    contenders: tuple[Contender, ...]
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Runtimes:
    """XDG_RUNTIME_DIR values: the TTL-300 agent's, the TTL-0 agent's, and none."""

    agent: dict[str, str]
    ttl0: dict[str, str]
    none: dict[str, str]


def _aws_get(name: str) -> list[str]:
    return [AWS, "secretsmanager", "get-secret-value", "--secret-id", name, "--query",
            "SecretString", "--output", "text"]


def scenarios(value_file: Path, batch: list[str], list_size: int,
              rt: Runtimes) -> list[Scenario]:
    value = value_file.read_bytes()
    bare = Contender("python -c pass", [PY, "-c", "pass"])
    tab = {"_SAFESM_COMPLETE": "bash_complete", "COMP_WORDS": "safesm get bench/",
           "COMP_CWORD": "2"}
    aws = Contender("aws get-secret-value", _aws_get("bench/one"))
    aws_many = Contender(f"aws get-secret-value x{len(batch)}", ["bash", "-c", " ; ".join(
        " ".join(_aws_get(n)) for n in batch)])
    mappings = [a for i, n in enumerate(batch) for a in ("-e", f"V{i:02d}={n}")]
    return [
        Scenario("get", (
            Contender("safesm get (agent cache)", [SAFESM, "get", "bench/one"], env=rt.agent),
            Contender("safesm get (agent, TTL 0)", [SAFESM, "get", "bench/one"], env=rt.ttl0),
            Contender("safesm get (no agent)", [SAFESM, "get", "bench/one"], env=rt.none),
            aws,
            Contender("botocore floor", [PY, "-c", FLOOR, "bench/one"]),
            bare,
        ), (("safesm get (agent cache)", aws.label, 0.10),
            ("safesm get (agent, TTL 0)", aws.label, 0.20),
            ("safesm get (no agent)", aws.label, 0.55),
            ("safesm get (no agent)", "botocore floor", 1.05))),
        Scenario("put", (
            Contender("safesm put --force", [SAFESM, "put", "bench/one", "--force"], value,
                      env=rt.none),
            Contender("aws put-secret-value", [AWS, "secretsmanager", "put-secret-value",
                      "--secret-id", "bench/one", "--secret-string", f"file://{value_file}"]),
        ), (("safesm put --force", "aws put-secret-value", 0.55),)),
        Scenario("help", (
            Contender("safesm --help", [SAFESM, "--help"], env=rt.none),
            Contender("safesm get --help", [SAFESM, "get", "--help"], env=rt.none),
            bare,
        ), (("safesm --help", "python -c pass", 5.0),)),
        Scenario("complete", (
            Contender("safesm TAB (name cache)", [SAFESM], env={**tab, **rt.none}),
            Contender("safesm TAB (agent)", [SAFESM], env={**tab, **rt.agent}),
            bare,
        ), (("safesm TAB (name cache)", "python -c pass", 2.5),
            ("safesm TAB (agent)", "python -c pass", 2.5))),
        Scenario(f"list {list_size}", (
            Contender("safesm list", [SAFESM, "list"], env=rt.none),
            Contender("aws list-secrets", [AWS, "secretsmanager", "list-secrets"]),
        ), (("safesm list", "aws list-secrets", 0.7),)),
        Scenario(f"audit {list_size}", (
            Contender("safesm audit", [SAFESM, "audit", "--format", "json"], env=rt.none),
            Contender("safesm list", [SAFESM, "list"], env=rt.none),
        ), (("safesm audit", "safesm list", 3.0),)),
        Scenario(f"get {len(batch)} names", (
            Contender(f"safesm get x{len(batch)} (agent)", [SAFESM, "get", *batch],
                      env=rt.agent),
            Contender(f"safesm get x{len(batch)} (no agent)", [SAFESM, "get", *batch],
                      env=rt.none),
            aws_many,
        ), ((f"safesm get x{len(batch)} (agent)", aws_many.label, 0.02),
            (f"safesm get x{len(batch)} (no agent)", aws_many.label, 0.5))),
        # 20 variables into a program's environment: one BatchGetSecretValue, then exec
        Scenario(f"exec {len(batch)} vars", (
            Contender(f"safesm exec -e x{len(batch)} -- env",
                      [SAFESM, "exec", *mappings, "--", "env"], env=rt.none),
            aws_many,
            Contender(f"safesm get x{len(batch)}", [SAFESM, "get", *batch], env=rt.none),
        ), ((f"safesm exec -e x{len(batch)} -- env", aws_many.label, 0.05),)),
    ]
