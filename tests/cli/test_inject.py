"""`safesm inject` in-process: references filled from one batch, or nothing written."""

from __future__ import annotations

import json
import os
import stat

import pytest

from safesm.errors import ExitCode

TEMPLATE = """# app config
db_password: "{{ sm://db/prod#password }}"
api_token: {{sm://api/token}}
image: {{ .Values.image }}
"""


@pytest.fixture
def work(tmp_path):
    """A directory of its own (HOME and TMPDIR live in tmp_path)."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


@pytest.fixture
def refs(sm, canary):
    sm.create_secret(Name="db/prod", SecretString=json.dumps({"password": canary + "\"$'"}))
    sm.create_secret(Name="api/token", SecretString="tok\nline2")
    return canary


def test_references_are_filled_and_the_rest_kept(run, refs, work):
    (work / "t.yaml").write_text(TEMPLATE)
    out = work / "config.yaml"
    r = run("inject", "-i", str(work / "t.yaml"), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert out.read_text() == TEMPLATE.replace("{{ sm://db/prod#password }}", refs + "\"$'") \
        .replace("{{sm://api/token}}", "tok\nline2")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert refs not in r.stdout + r.stderr


def test_stdin_template_to_a_pipe(run, refs):
    r = run("inject", "-i", "-", input="x={{ sm://api/token }}.")
    assert r.exit_code == 0 and r.stdout == "x=tok\nline2."


@pytest.mark.parametrize(("template", "code", "where"), [
    ("a\nb: {{ sm://db/prod#password }}\nc: {{ sm://no/such }}\n", ExitCode.NOT_FOUND,
     "line 3, column 4"),
    ("{{ sm://db/prod#nofield }}", ExitCode.NOT_FOUND, "line 1, column 1"),
    ("{{ sm://api/token#field }}", ExitCode.INVALID_VALUE, "line 1, column 1"),
    ("ok\n   {{ sm://bad name }}", ExitCode.USAGE, "line 2, column 4"),
])
def test_a_reference_that_does_not_resolve_writes_nothing(run, refs, work, template, code,
                                                          where):
    (work / "t").write_text(template)
    out = work / "out"
    r = run("inject", "-i", str(work / "t"), "-o", str(out))
    assert r.exit_code == code and where in r.stderr, r.stderr
    assert not out.exists() and sorted(p.name for p in work.iterdir()) == ["t"]
    assert refs not in r.stdout + r.stderr
    r = run("inject", "-i", str(work / "t"))
    assert r.exit_code == code and r.stdout == ""


def test_an_existing_output_needs_force(run, refs, work):
    (work / "t").write_text("{{ sm://api/token }}")
    (work / "out").write_text("keep")
    r = run("inject", "-i", str(work / "t"), "-o", str(work / "out"))
    assert r.exit_code == ExitCode.CONFLICT and (work / "out").read_text() == "keep"
    r = run("inject", "-i", str(work / "t"), "-o", str(work / "out"), "--force")
    assert r.exit_code == 0 and (work / "out").read_text() == "tok\nline2"


def test_a_missing_template_is_a_usage_error(run, aws, work):
    r = run("inject", "-i", str(work / "canary-missing"))
    assert r.exit_code == ExitCode.USAGE and "canary" not in r.stderr
