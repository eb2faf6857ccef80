"""TAB completion for exec, env, inject and import in real bash, zsh and fish: secret names
after `-e VAR=` and `--from`, folders after `--prefix`, files after `-i`/`-o`."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pexpect
import pytest

from .completion_shells import ROOT, cache, shell_env, zsh_tab

pytestmark = pytest.mark.e2e
__all__ = ["cache"]  # a fixture the tests here use


class Bash:
    """An interactive bash with safesm's completion; `tab` returns the line after one TAB."""

    def __init__(self, cwd: Path, with_bash_completion: bool) -> None:
        self.child = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"],
                                   env=shell_env(TERM="xterm"), cwd=str(cwd),
                                   dimensions=(24, 200), timeout=20, encoding="utf-8")
        setup = f"source {ROOT}/completions/safesm.bash"
        if with_bash_completion:
            setup = f"source /usr/share/bash-completion/bash_completion; {setup}"
        # Ctrl-T prints the line being edited, exactly as readline holds it
        self.child.sendline(
            setup + """; bind -x '"\\C-t": printf "LINE<%s>\\n" "$READLINE_LINE"'""")
        self.child.sendline("PS1='READY''> '")
        self.child.expect("READY> ")

    def tab(self, line: str) -> str:
        self.child.send(line + "\t")
        time.sleep(1)  # completion runs safesm: let it answer before reading the line back
        self.child.send("\x14")
        self.child.expect(r"LINE<(.*)>\r\n")
        text: str = self.child.match.group(1)
        self.child.send("\x15")  # clear the line
        return text

    def close(self) -> None:
        self.child.close(force=True)


@pytest.fixture(params=[False, True], ids=["plain-bash", "bash-completion"])
def bash(request, cache, tmp_path):
    shell = Bash(tmp_path, request.param)
    yield shell
    shell.close()


@pytest.mark.parametrize(("typed", "completed"), [
    ("safesm exec -e PGPASSWORD=db/pr", "safesm exec -e PGPASSWORD=db/prod "),
    ("safesm exec -e DB=w", "safesm exec -e DB=web/"),  # a folder: no space after it
    ("safesm exec --from web/", "safesm exec --from web/api "),
    ("safesm env -e X=db/eu/", "safesm env -e X=db/eu/one "),
    ("safesm exec --prefix w", "safesm exec --prefix web/"),
    ("safesm import --into db/d", "safesm import --into db/dev "),
])
def test_bash(bash, typed, completed):
    assert bash.tab(typed).endswith(completed)


def test_bash_completes_files_after_i_and_o(bash, tmp_path):
    (tmp_path / "template.yaml").write_text("x")
    assert bash.tab("safesm inject -i temp").endswith("safesm inject -i template.yaml ")
    assert bash.tab("safesm env --from db/prod -o templ").endswith("-o template.yaml ")
    assert bash.tab("safesm import templ").endswith("safesm import template.yaml ")


def test_bash_offers_names_after_the_equals_sign(cache):
    script = f"""
source {ROOT}/completions/safesm.bash
COMP_LINE="safesm exec -e DB=db/"; COMP_POINT=${{#COMP_LINE}}
COMP_WORDS=(safesm exec -e DB = db/); COMP_CWORD=5
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                         env=shell_env(TERM="xterm"), timeout=30)
    assert out.stdout.split() == ["db/dev", "db/eu/", "db/prod"]  # bash keeps "DB=" itself


@pytest.mark.parametrize(("typed", "completed"), [
    ("safesm exec -e DB=db/pr", "DB=db/prod"),
    ("safesm exec --prefix w", "--prefix web/"),
])
def test_zsh(cache, tmp_path, typed, completed):
    zsh_tab(tmp_path, typed, completed)


@pytest.mark.parametrize(("line", "expected"), [
    ("safesm exec -e DB=db/pr", ["DB=db/prod"]),
    ("safesm exec --from db/", ["db/dev", "db/eu/", "db/prod"]),
    ("safesm env --prefix ", ["db/", "web/"]),
])
def test_fish(cache, line, expected):
    cmd = f'source {ROOT}/completions/safesm.fish; complete -C "{line}"'
    out = subprocess.run(["fish", "--no-config", "-c", cmd], capture_output=True, text=True,
                         env=shell_env(TERM="xterm"), timeout=30)
    assert [item.split("\t")[0] for item in out.stdout.split()] == expected
