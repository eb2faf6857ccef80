"""The side-by-side scenarios: what runs against what, and which ratio is the target."""

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


@dataclass(frozen=True)
class Scenario:
    name: str
    contenders: tuple[Contender, ...]
    target: tuple[str, str, float] | None = None  # (label, baseline label, max ratio)


def aws_each(names: list[str]) -> Contender:
    """One `aws secretsmanager get-secret-value` per name, as a script would do it."""
    return Contender(f"aws get-secret-value x{len(names)}", ["bash", "-c", " ; ".join(
        f"{AWS} secretsmanager get-secret-value --secret-id {n} --query SecretString "
        "--output text" for n in names)])


def scenarios(value_file: Path, batch: list[str], list_size: int) -> list[Scenario]:
    value = value_file.read_bytes()
    bare = Contender("python -c pass", [PY, "-c", "pass"])
    mappings = [a for i, n in enumerate(batch) for a in ("-e", f"V{i:02d}={n}")]
    each = aws_each(batch)
    return [
        Scenario("get", (
            Contender("safesm get", [SAFESM, "get", "bench/one"]),
            Contender("aws get-secret-value", [AWS, "secretsmanager", "get-secret-value",
                      "--secret-id", "bench/one", "--query", "SecretString", "--output", "text"]),
            Contender("botocore floor", [PY, "-c", FLOOR, "bench/one"]),
            bare,
        ), ("safesm get", "botocore floor", 1.05)),
        Scenario("put", (
            Contender("safesm put --force", [SAFESM, "put", "bench/one", "--force"], value),
            Contender("aws put-secret-value", [AWS, "secretsmanager", "put-secret-value",
                      "--secret-id", "bench/one", "--secret-string", f"file://{value_file}"]),
        ), ("safesm put --force", "aws put-secret-value", 0.55)),
        Scenario("help", (
            Contender("safesm --help", [SAFESM, "--help"]),
            Contender("safesm get --help", [SAFESM, "get", "--help"]),
            bare,
        ), ("safesm --help", "python -c pass", 5.0)),
        Scenario("complete", (
            Contender("safesm TAB (name cache)", [SAFESM], env={
                "_SAFESM_COMPLETE": "bash_complete", "COMP_WORDS": "safesm get bench/",
                "COMP_CWORD": "2"}),
            bare,
        ), ("safesm TAB (name cache)", "python -c pass", 4.0)),
        Scenario(f"list {list_size}", (
            Contender("safesm list", [SAFESM, "list"]),
            Contender("aws list-secrets", [AWS, "secretsmanager", "list-secrets"]),
        ), ("safesm list", "aws list-secrets", 0.7)),
        Scenario(f"audit {list_size}", (
            Contender("safesm audit", [SAFESM, "audit", "--format", "json"]),
            Contender("safesm list", [SAFESM, "list"]),
        ), ("safesm audit", "safesm list", 3.0)),
        Scenario(f"get {len(batch)} names", (
            Contender(f"safesm get x{len(batch)}", [SAFESM, "get", *batch]),
            each,
        ), (f"safesm get x{len(batch)}", each.label, 0.5)),
        # 20 variables into a program's environment: one BatchGetSecretValue, then exec
        Scenario(f"exec {len(batch)} vars", (
            Contender(f"safesm exec -e x{len(batch)} -- env",
                      [SAFESM, "exec", *mappings, "--", "env"]),
            each,
            Contender(f"safesm get x{len(batch)}", [SAFESM, "get", *batch]),
        ), (f"safesm exec -e x{len(batch)} -- env", each.label, 0.05)),
    ]
