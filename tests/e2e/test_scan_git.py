"""`safesm scan` in a real git repository: .git/ and gitignored files are skipped (git
itself decides), the fingerprint key lives in .git (0600), a tracked file that matches
.gitignore is still scanned."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.scanrepo import plant_tree

pytestmark = pytest.mark.e2e


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull,
                        "GIT_CONFIG_SYSTEM": os.devnull})


def test_scan_in_a_git_repository(aws, safesm_bin, tmp_path, canary):
    root = tmp_path / "repo"
    values = plant_tree(root, canary)
    git(root, "init", "-q")
    (root / ".gitignore").write_text("local.env\nbuild/\n")
    (root / "local.env").write_text('password = "ignored-' + canary[::-1] + '"\n')
    (root / "build").mkdir()
    (root / "build" / "out.py").write_text('AWS = "AKIA' + "Q" * 16 + '"\n')
    hook = root / ".git" / "hooks" / "leak.sample"
    hook.write_text('aws_secret_access_key = "' + values["secret_key"][::-1] + '"\n')
    (root / "tracked.env").write_text('api_key = "sk_live_' + "x1Y2" * 6 + '"\n')
    git(root, "add", "-f", "tracked.env")
    (root / ".gitignore").write_text("local.env\nbuild/\ntracked.env\n")
    r = subprocess.run([safesm_bin, "scan", "--format", "json"], cwd=root, capture_output=True,
                       text=True, timeout=120, env=dict(os.environ))
    assert r.returncode == 8, r.stderr
    paths = sorted({f["path"] for f in json.loads(r.stdout)["findings"]})
    assert paths == ["deploy/id_rsa", "src/settings.py", "tracked.env"]
    assert "2 gitignored skipped" in r.stderr and "1 binary" in r.stderr
    key = root / ".git" / "safesm-scan.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_bytes()) == 32
    for value in (*values.values(), canary[::-1]):
        assert value not in r.stdout + r.stderr
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert "safesm-scan.key" not in status
