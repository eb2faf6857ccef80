"""What the GitHub Actions runner does with `safesm env --format github-actions`, written
out from the runner's own code (actions/runner, src/Runner.Worker/FileCommandManager.cs,
SetEnvFileCommand, and the workflow-command parser): an independent reader for tests."""

from __future__ import annotations


def _read_line(text: str, index: int) -> tuple[str | None, int, str | None]:
    """(line, next index, newline) as the runner's ReadLine on Linux (LF only)."""
    if index >= len(text):
        return None, index, None
    lf = text.find("\n", index)
    if lf < 0:
        return text[index:], len(text), None
    return text[index:lf], lf + 1, "\n"


def parse_github_env(text: str) -> dict[str, str]:
    """$GITHUB_ENV: NAME=VALUE lines and NAME<<DELIMITER heredocs."""
    env: dict[str, str] = {}
    line, index, _ = _read_line(text, 0)
    while line is not None:
        if line:
            eq, heredoc = line.find("="), line.find("<<")
            if eq >= 0 and (heredoc < 0 or eq < heredoc):
                name, value = line.split("=", 1)
                env[name] = value
            elif heredoc >= 0 and (eq < 0 or heredoc < eq):
                name, delimiter = line.split("<<", 1)
                if not name or not delimiter:
                    raise ValueError("empty name or delimiter")
                start = end = index
                temp, index, newline = _read_line(text, index)
                while temp != delimiter:
                    if temp is None:
                        raise ValueError("matching delimiter not found")
                    end = index - len(newline or "")
                    temp, index, newline = _read_line(text, index)
                env[name] = text[start:end] if end > start else ""
            else:
                raise ValueError("invalid format")
        line, index, _ = _read_line(text, index)
    return env


def _unescape_data(data: str) -> str:
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def masks(log: str) -> list[str]:
    """The values `::add-mask::` commands register, in order."""
    return [_unescape_data(line[len("::add-mask::"):]) for line in log.split("\n")
            if line.startswith("::add-mask::")]
