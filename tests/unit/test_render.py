"""Tables and JSON rendering."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from safesm import render
from safesm.models import SecretSummary


def test_table_aligns_columns():
    out = render.table(("A", "BB"), [("long-cell", "x"), ("s", "y")])
    assert out.splitlines() == ["A          BB", "long-cell  x", "s          y"]


def test_secret_list_and_json():
    s = SecretSummary(name="n", last_changed=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc))
    assert "2026-01-02 03:04" in render.secret_list([s])
    assert json.loads(render.to_json([s]))[0]["last_changed"].startswith("2026-01-02T03:04")


def test_error_message_shape():
    assert render.error("boom.", "do this.") == "safesm: error: boom.\ndo this."


def test_printable_escapes_every_control_and_invisible_character():
    assert render.printable("db/prod é ü 名前 ok") == "db/prod é ü 名前 ok"
    assert render.printable("a\x1b[2Jb\x07\r\n\t\x7f\x9b") == \
        "a\\x1b[2Jb\\x07\\x0d\\x0a\\x09\\x7f\\x9b"
    assert render.printable("x\u202ey\u200bz\U000e0001") == "x\\u202ey\\u200bz\\U000e0001"
    for code in [*range(0x20), *range(0x7f, 0xa0)]:
        assert render.printable(chr(code)).startswith("\\x")


def test_tables_escape_cells_and_keep_columns_aligned():
    out = render.table(("NAME", "X"), [("evil\x1b[31m", "1"), ("ok", "2")])
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines[1] == "evil\\x1b[31m  1"
    assert len(lines[2]) == len(lines[1])  # widths count the escaped text


def test_findings_and_summaries_escape_text_from_a_policy():
    from safesm.policy_lint import Context, lint

    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/x\x1b]0;t\x07"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    out = render.findings(lint(text, Context("111122223333")))
    assert "\x1b" not in out and "\x07" not in out and "\n        fix:" in out
