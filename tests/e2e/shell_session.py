"""Interactive bash, zsh and fish on a pty with a temp HOME: type commands, read history.

Every command a test types runs against stubs (shell functions named like the tools in
the shared table), so nothing reaches the network and no prompt waits for input; only
the shell's history handling is real, and the `safesm shell-init` snippet under test.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect

PROMPT = "READY> "
DONE = "COMMAND-DONE"
TOOLS = ("aws", "python3", "vault", "docker", "psql", "mysql", "mysqldump", "curl", "git",
         "safesm", "generate-pw", "grep", "gh", "pass", "ssh")


def shell_env(home: Path, safesm_bin: str) -> dict[str, str]:
    return {
        "HOME": str(home), "TERM": "dumb", "LANG": "C.UTF-8",
        "PATH": f"{Path(safesm_bin).parent}:{os.environ['PATH']}",
        "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
        "AWS_ENDPOINT_URL": os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        "AWS_REGION": "us-east-1",
    }


def snippet(safesm_bin: str, shell: str) -> str:
    return subprocess.run([safesm_bin, "shell-init", shell], capture_output=True, text=True,
                          check=True).stdout


def posix_rc(snippet_text: str, before: str = "", after: str = "") -> str:
    stubs = "".join(f"{tool}() {{ :; }}\n" for tool in TOOLS)
    return (f"PS1='{PROMPT}'\nPS2='> '\n{stubs}{before}\n{snippet_text}\n{after}\n")


def fish_config(snippet_text: str, bindings: str) -> str:
    stubs = "".join(f"function {tool}; end\n" for tool in TOOLS)
    return (f"set -g fish_key_bindings {bindings}\n"
            f"function fish_prompt; echo -n '{PROMPT}'; end\n"
            "function fish_mode_prompt; end\n"
            f"function __done --on-event fish_postexec; echo {DONE}; end\n"
            f"{stubs}{snippet_text}\n"
            "for mode in default insert; bind -M $mode \\cv 'commandline -i \\t'; end\n")


class Session:
    """A shell waiting at PROMPT; ``done``: a line it prints after each command (fish
    repaints its prompt while a line is edited, so the prompt alone proves nothing)."""

    def __init__(self, argv: list[str], env: dict[str, str], done: str | None = None,
                 tab: str = "\x16\t") -> None:
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, timeout=20,
                                   dimensions=(40, 250), encoding="utf-8",
                                   codec_errors="surrogateescape")
        self.child.expect_exact(PROMPT)
        self.done = done
        self.tab = tab  # the keys that insert a literal TAB (Ctrl+V, then TAB in bash/zsh)
        self.screen = ""

    def type(self, command: str, enter: str = "\r") -> str:
        """Type a command (its lines joined by Enter) and run it; what it printed."""
        self.child.send(command.replace("\t", self.tab).replace("\n", "\r") + enter)
        out = ""
        if self.done:
            self.child.expect_exact(self.done)
            out = self.child.before
        self.child.expect_exact(PROMPT)
        out += self.child.before
        self.screen += out
        return out

    def exit(self) -> None:
        self.child.send("exit\r")
        self.child.expect(pexpect.EOF)
        self.child.close()


def bash_session(home: Path, safesm_bin: str, before: str = "", after: str = "") -> Session:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".bashrc").write_text(posix_rc(snippet(safesm_bin, "bash"), before, after))
    return Session(["bash", "-i"], shell_env(home, safesm_bin))


def zsh_session(home: Path, safesm_bin: str, before: str = "") -> Session:
    home.mkdir(parents=True, exist_ok=True)
    rc = ("HISTFILE=~/.zsh_history\nHISTSIZE=1000\nSAVEHIST=1000\nsetopt EXTENDED_HISTORY "
          "INC_APPEND_HISTORY\n" + before)
    (home / ".zshrc").write_text(posix_rc(snippet(safesm_bin, "zsh"), rc))
    return Session(["zsh", "-i"], shell_env(home, safesm_bin))


def fish_session(home: Path, safesm_bin: str, bindings: str) -> Session:
    (home / ".config/fish").mkdir(parents=True, exist_ok=True)
    (home / ".config/fish/config.fish").write_text(
        fish_config(snippet(safesm_bin, "fish"), bindings))
    return Session(["fish", "-i"], shell_env(home, safesm_bin), done=DONE, tab="\x16")


HISTORY = {"bash": ".bash_history", "zsh": ".zsh_history",
           "fish": ".local/share/fish/fish_history"}
