"""The README shows real output (issue 17.20): its first example's notices are what
`put` prints, and no example pipes a value into a program that does not read it there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def first_console_block() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return text.split("```console\n", 1)[1].split("```", 1)[0].splitlines()


def normal(line: str) -> str:
    """Version ids and ARNs vary; the words around them are the point."""
    line = re.sub(r"\(version [0-9a-f-]+\)", "(version V)", line)
    return re.sub(r"arn:aws:iam::\d{12}:user/[\w+=,.@-]+", "ARN", line)


def test_first_example_shows_what_put_prints(run, sm):
    block = first_console_block()
    start = block.index("$ safesm put db/prod                 # hidden prompt, typed twice")
    shown = []
    for line in block[start + 3:]:  # after the command and the two prompt lines
        if line.startswith("$ "):
            break
        shown.append(normal(line))
    r = run("put", "db/prod", input="s3cr3t")
    assert r.exit_code == 0, r.stderr
    assert shown == [normal(line) for line in r.stderr.splitlines()]


def test_no_example_pipes_a_value_into_psql():
    """psql reads SQL from stdin and the password from the terminal: `| psql` would run
    the secret as SQL."""
    for path in (ROOT / "README.md", ROOT / "man" / "safesm.1"):
        assert not re.search(r"\|\s*psql", path.read_text()), path
