"""`safesm scan` of a planted tree (no git repository here: tests/e2e/test_scan_git.py
covers .git/ and gitignored files): findings without values, fingerprints, baseline,
--migrate through the normal put path."""

from __future__ import annotations

import json
import os
import sys

import pytest

from tests.cli.conftest import names
from tests.scanrepo import plant_tree


@pytest.fixture
def tree(tmp_path, canary, monkeypatch):
    root = tmp_path / "project"
    values = plant_tree(root, canary)
    monkeypatch.chdir(root)
    return root, values


def scan_json(run, *args):
    r = run("scan", "--format", "json", *args)
    return r, json.loads(r.stdout)


def test_findings_are_where_and_what_never_the_value(run, aws, tree):
    root, values = tree
    r, out = scan_json(run)
    assert r.exit_code == 8 and "scan found 4 hardcoded secret(s)" in r.stderr
    got = sorted((f["path"], f["line"], f["kind"]) for f in out["findings"])
    assert got == [("deploy/id_rsa", 2, "Private Key"),
                   ("src/settings.py", 1, "AWS Access Key"),
                   ("src/settings.py", 2, "AWS Access Key"),
                   ("src/settings.py", 3, "Basic Auth Credentials")]
    assert all(f["fingerprint"].startswith("hmac-sha256:") for f in out["findings"])
    for fmt in ("table", "json", "sarif"):
        r = run("scan", "--format", fmt)
        for value in values.values():
            assert value not in r.stdout + r.stderr
    assert "docs/example.ini" not in r.stdout and "logo.bin" not in r.stdout
    assert "1 binary" in r.stderr


def test_fingerprints_are_keyed_and_stable(run, aws, tree, isolated_env):
    import hashlib

    root, values = tree
    _, first = scan_json(run)
    _, again = scan_json(run)
    assert first == again
    key_file = isolated_env / ".local" / "share" / "safesm" / "safesm-scan.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    plain = {hashlib.sha256(v.encode()).hexdigest()[:32] for v in values.values()}
    assert not plain & {f["fingerprint"].split(":")[1] for f in first["findings"]}
    key_file.unlink()
    _, rekeyed = scan_json(run)
    assert {f["fingerprint"] for f in rekeyed["findings"]}.isdisjoint(
        {f["fingerprint"] for f in first["findings"]})


def test_clean_tree_exits_0(run, aws, tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "aws.ini").write_text("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
    monkeypatch.chdir(tmp_path)
    r = run("scan")
    assert r.exit_code == 0 and r.stdout == "" and "0 finding(s)" in r.stderr


def test_baseline_leaves_known_findings_out(run, aws, tree, tmp_path):
    root, _ = tree
    r, out = scan_json(run)
    base = tmp_path / "baseline.json"
    base.write_text(r.stdout)
    r = run("scan", "--baseline", str(base))
    assert r.exit_code == 0 and "4 in the baseline" in r.stderr
    (root / "src" / "more.py").write_text('token = "ghp_' + "a1B2" * 9 + '"\n')
    r, out = scan_json(run, "--baseline", str(base))
    assert r.exit_code == 8 and [f["path"] for f in out["findings"]] == ["src/more.py"]
    assert out["baselined"] == 4


@pytest.mark.parametrize("content", ["not json", "[]", '{"findings": [{"path": 1}]}'])
def test_bad_baseline_is_refused(run, aws, tree, tmp_path, content):
    base = tmp_path / "b.json"
    base.write_text(content)
    r = run("scan", "--baseline", str(base))
    assert r.exit_code == 2 and "--baseline" in r.stderr


def test_missing_path_is_refused_without_echo(run, aws, tree):
    r = run("scan", "src", "hunter2-typed-here")
    assert r.exit_code == 2 and "PATH #2 does not exist" in r.stderr
    assert "hunter2" not in r.stderr


def test_scan_makes_no_network_call(run, aws, tree):
    connects = []

    def hook(event, args):
        if event == "socket.connect":
            connects.append(args)

    sys.addaudithook(hook)  # hooks stay for the process: record only while scanning
    before = len(connects)
    r = run("scan")
    during = connects[before:]
    connects.append(None)  # later connects (other tests) are not this test's
    assert r.exit_code == 8 and during == []


def test_missing_scanner_says_how_to_install(run, aws, tree, monkeypatch):
    monkeypatch.setitem(sys.modules, "detect_secrets", None)
    monkeypatch.setitem(sys.modules, "detect_secrets.core.secrets_collection", None)
    r = run("scan")
    assert r.exit_code == 2
    assert "pip install 'safesm[scan]'" in r.stderr


def test_migrate_stores_each_value_from_the_file(run, aws, sm, tree, canary):
    root, values = tree
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = run("scan", "--migrate", "app/")
    assert r.exit_code == 8
    stored = {n: sm.get_secret_value(SecretId=n) for n in names(sm)}
    assert set(stored) == {"app/src/settings.py/aws-access-key-L1",
                           "app/src/settings.py/aws-access-key-L2",
                           "app/src/settings.py/basic-auth-credentials-L3",
                           "app/deploy/id_rsa/private-key-L2"}
    assert stored["app/src/settings.py/basic-auth-credentials-L3"]["SecretString"] == canary
    assert stored["app/src/settings.py/aws-access-key-L2"]["SecretString"] == \
        values["secret_key"]
    pem = stored["app/deploy/id_rsa/private-key-L2"]["SecretString"]
    assert pem == (root / "deploy" / "id_rsa").read_text().rstrip("\n")
    for name in stored:  # the default policy, as put gives
        assert sm.get_resource_policy(SecretId=name).get("ResourcePolicy")
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert "replace the literal with a run-time read of app/src/settings.py/" in r.stderr
    last = r.stderr.rstrip().splitlines()[-2:]
    assert last == ["safesm: warning: git history still holds these values — rotate them (a "
                    "new value at the source, then `safesm put NAME --force`).",
                    "safesm: error: scan found 4 hardcoded secret(s)."]
    for value in values.values():
        assert value not in r.stdout + r.stderr


def test_migrate_never_overwrites(run, aws, sm, tree):
    sm.create_secret(Name="app/src/settings.py/aws-access-key-L1", SecretString="keep")
    r = run("scan", "--migrate", "app")
    assert "already exists (nothing was overwritten)" in r.stderr
    kept = sm.get_secret_value(SecretId="app/src/settings.py/aws-access-key-L1")
    assert kept["SecretString"] == "keep"
    assert len(names(sm)) == 4


def test_same_value_twice_is_stored_once(run, aws, sm, tmp_path, monkeypatch):
    token = "ghp_" + "Zq9x" * 9
    (tmp_path / "a.py").write_text(f'TOKEN = "{token}"\n')
    (tmp_path / "b.py").write_text(f'TOKEN = "{token}"\n')
    monkeypatch.chdir(tmp_path)
    r = run("scan", "--migrate", "ci")
    assert names(sm) == ["ci/a.py/github-token-L1"]
    assert sm.get_secret_value(SecretId="ci/a.py/github-token-L1")["SecretString"] == token
    assert "stored before as ci/a.py/github-token-L1" in r.stderr


def test_bad_prefix_is_refused_before_anything(run, aws, sm, tree):
    r = run("scan", "--migrate", "bad prefix!")
    assert r.exit_code == 2 and "--migrate" in r.stderr and "bad prefix" not in r.stderr
    assert names(sm) == []


def test_symlinks_are_not_followed(run, aws, tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "s.py").write_text('password = "hunter2hunter2hunter2"\n')
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(outside, inside / "link")
    os.symlink(outside / "s.py", inside / "s.py")
    monkeypatch.chdir(inside)
    assert run("scan").exit_code == 0
