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
