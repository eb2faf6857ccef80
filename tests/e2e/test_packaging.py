"""The wheel carries every module, the license, the man page and the completion scripts.

It is built from a copy of the source in a temp dir: building in place would leave
build/ and safesm.egg-info/ in the checkout, and a test run leaves the checkout as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                    "__pycache__", ".*_cache", ".hypothesis", "results")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    work = tmp_path_factory.mktemp("packaging")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(work / "dist")],
                   check=True, capture_output=True, timeout=120, cwd=work)
    return zipfile.ZipFile(next((work / "dist").glob("safesm-*.whl")))


def test_wheel_installs_man_page_and_completions(wheel):
    data = {n.split(".data/data/", 1)[1] for n in wheel.namelist() if ".data/data/" in n}
    assert data == {
        "share/man/man1/safesm.1",
        "share/bash-completion/completions/safesm.bash",
        "share/zsh/site-functions/_safesm",
        "share/fish/vendor_completions.d/safesm.fish",
    }


def test_every_module_of_every_subpackage_ships(wheel):
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "safesm").rglob("*.py")
              if "__pycache__" not in p.parts}
    shipped = {n for n in wheel.namelist() if n.startswith("safesm/") and n.endswith(".py")}
    assert "safesm/cli.py" in shipped
    assert shipped == source


def test_license_and_runtime_dependencies(wheel):
    [meta] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    headers = Parser().parsestr(wheel.read(meta).decode())
    assert headers["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel.namelist())
    runtime = [r.split(";")[0].split(">")[0].split("=")[0].strip()
               for r in headers.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert "botocore" in runtime
    assert "boto3" not in runtime  # safesm never imports it; only the tests do
