"""`python -m benchmarks.history`: how long history scanning and the shell guards take.

- `safesm history scan` of one long line (100k characters by default) of several shapes,
  the repeated anchors of every rule among them (target: 0.5 s each);
- `safesm history scan` of a realistic plain bash history of 50 MB (targets: 5 s and
  100 MB peak RSS);
- a 200k-character command accepted by interactive zsh and fish, with the guard and
  without (target: within 0.2 s of the unguarded shell), and the guard's check alone
  (fish itself takes seconds over such a line, which hides the guard in that figure).

A benchmark, not a test: it prints what it measured and asserts nothing.
tests/e2e/test_benchmarks.py runs it once with tiny sizes so it keeps working.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .measure import Contender, run_once

SAFESM = str(Path(sys.executable).parent / "safesm")
WORDS = ["api", "web", "db", "cache", "worker", "billing", "auth", "search", "infra", "ml"]
COMMANDS = [
    "ls -la", "cd ~/src/{w}", "git status", 'git commit -m "fix {w} {w}"', "git push origin {w}",
    "vim {w}/{w}.py", "docker run --rm -it {w}:latest", "kubectl get pods -n {w}",
    "aws s3 cp s3://{w}-bucket/{w}.tar.gz .", "curl -s https://api.example.com/{w} | jq .",
    "grep -rn '{w}_token' src/", "make test", "python3 -m pytest -q tests/test_{w}.py",
    "ssh deploy@{w}.example.com", "export PATH=$PATH:/opt/{w}/bin", "tail -f /var/log/{w}.log",
    "aws secretsmanager get-secret-value --secret-id {w}/prod", "npm run build",
    "for f in *.log; do gzip \"$f\"; done", "sudo systemctl restart {w}",
    "terraform plan -var-file={w}.tfvars", "echo 'deploying {w}' && ./deploy.sh {w}",
]
LEAKS = ["export DB_PASSWORD={r}", "mysql -uroot -p{r} {w}", "curl -u admin:{r} https://{w}"]


def long_lines(size: int) -> dict[str, bytes]:
    """One-line files of ``size`` characters: the shapes that made the old rules slow."""
    from safesm.history.rules import RULES

    units = {"aws secretsmanager": "aws secretsmanager ", "letters": "a",
             "quotes": "\"'", "random mix": ""}
    for rule in RULES:  # each rule's needles repeated: every term's anchor, over and over
        for needles in rule.needles:
            for text in needles.texts if needles else ():
                units.setdefault(f"{rule.id}: {text!r}", text + " ")
                units.setdefault(f"{rule.id}: {text!r} joined", text)  # "-u-u-u…"
    for unit in ("safesm put --tag ", "safesm put --key safesm --key put ", "-e ",
                 "--password", "://a:", "kv put ", "curl -u a:", "x=y ", "<<EOF ",
                 "echo x | safesm put ", "SECRET", "ab+/", "\\"):
        units.setdefault(repr(unit), unit)
    rng = random.Random(5)
    pieces = [u for u in units.values() if u] + [" ", "=", ":", "'", '"', "x"]
    out = {}
    for name, unit in units.items():
        text = unit * (size // len(unit) + 1) if unit else "".join(
            rng.choice(pieces) for _ in range(size // 4))
        out[name] = text[:size].encode() + b"\n"
    return out


def realistic(size: int) -> bytes:
    """A plain bash history (no timestamps) of ``size`` bytes, about 1 line in 200 a leak."""
    rng, lines, total = random.Random(6), [], 0
    while total < size:
        template = rng.choice(LEAKS) if rng.random() < 0.005 else rng.choice(COMMANDS)
        line = template.format(w=rng.choice(WORDS), r=f"s3cr3t{rng.randrange(10**6)}") + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()


def scan_time(path: Path) -> tuple[float, float, int]:
    """(wall s, cpu s, peak RSS MiB) of one `safesm history scan` process."""
    wall, cpu, rss, code = run_once(
        Contender("scan", [SAFESM, "history", "scan", "--shell", "bash", str(path)]), {})
    assert code in (0, 8), code
    return wall, cpu, rss // 1024


def shell_time(shell: str, guarded: bool, command: str, work: Path) -> float:
    """Seconds from Enter to the next prompt, for ``command`` on an interactive shell's
    command line. Ctrl-X puts it there at once (a key binding reading a file), so what is
    timed is what Enter does, not how fast the line editor takes keystrokes in."""
    import pexpect

    home = work / f"{shell}-{guarded}"
    home.mkdir(exist_ok=True)
    (home / "cmd").write_text(command)
    init = subprocess.run([SAFESM, "shell-init", shell], capture_output=True, text=True,
                          check=True).stdout if guarded else ""
    if shell == "zsh":
        (home / ".zshrc").write_text(
            "PS1='READY> '\n__bench_load() { BUFFER=$(<$HOME/cmd); }\n"
            f"zle -N __bench_load\nbindkey '^X' __bench_load\n{init}\n")
        argv = ["zsh", "-i"]
    else:
        (home / ".config/fish").mkdir(parents=True, exist_ok=True)
        (home / ".config/fish/config.fish").write_text(
            "function fish_prompt; echo -n 'READY> '; end\n"
            "function __done --on-event fish_postexec; echo BENCH-DONE; end\n"
            "bind \\cx 'commandline -r -- (cat $HOME/cmd | string collect)'\n" + init)
        argv = ["fish", "-i"]
    child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=600,
                          env={"HOME": str(home), "TERM": "dumb", "PATH": "/usr/bin:/bin",
                               "XDG_CONFIG_HOME": str(home / ".config"),
                               "XDG_DATA_HOME": str(home / "data")},
                          dimensions=(40, 250), maxread=1 << 20)
    child.expect_exact("READY> ")
    child.send("\x18")
    time.sleep(0.5)
    _drain(child)
    start = time.perf_counter()
    child.send("\r")
    child.expect_exact("BENCH-42")  # the command ran: it was on the line
    if shell == "fish":
        child.expect_exact("BENCH-DONE")
    child.expect_exact("READY> ")
    elapsed = time.perf_counter() - start
    child.sendline("exit")
    child.expect(pexpect.EOF)
    return elapsed


def guard_time(shell: str, command: str, work: Path) -> float:
    """Seconds the guard's check takes on ``command``: a shell that sources the snippet,
    reads the command and checks it, less the same shell that does not check it."""
    snippet = work / f"snippet.{shell}"
    snippet.write_text(subprocess.run([SAFESM, "shell-init", shell], capture_output=True,
                                      text=True, check=True).stdout)
    path = work / "guarded-command"
    path.write_text(command)
    read = (f"source {snippet}; set cmd (cat {path} | string collect)" if shell == "fish"
            else f"source {snippet}; cmd=$(<{path})")
    check = "; __safesm_is_risky $cmd" if shell == "fish" else '; __safesm_is_risky "$cmd"'
    times = []
    for script in (read + check, read) * 3:
        start = time.perf_counter()
        subprocess.run([shell, "-c", script], check=False)
        times.append(time.perf_counter() - start)
    return min(times[0::2]) - min(times[1::2])


def _drain(child: Any) -> None:
    import pexpect

    try:
        while child.read_nonblocking(1 << 16, timeout=0.05):
            pass
    except pexpect.TIMEOUT:
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.history", description=__doc__)
    ap.add_argument("--line", type=int, default=100_000, help="characters in the long line")
    ap.add_argument("--file-mb", type=float, default=50.0, help="size of the realistic file")
    ap.add_argument("--command", type=int, default=200_000, help="characters typed at a shell")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"| one line of {args.line} characters | wall s | CPU s | RSS MiB |\n"
              "|---|---|---|---|")
        worst = 0.0
        for name, data in long_lines(args.line).items():
            path = work / "line"
            path.write_bytes(data)
            wall, cpu, rss = scan_time(path)
            worst = max(worst, wall)
            print(f"| {name} | {wall:.3f} | {cpu:.3f} | {rss} |")
        print(f"\nslowest one-line scan: {worst:.3f} s (target 0.5 s)\n")
        path = work / "bash_history"
        path.write_bytes(realistic(int(args.file_mb * 1e6)))
        wall, cpu, rss = scan_time(path)
        print(f"realistic {args.file_mb:g} MB bash history: {wall:.2f} s wall, {cpu:.2f} s "
              f"CPU, {rss} MiB peak RSS (targets 5 s, 100 MiB)\n")
        print(f"| {args.command}-character command | shape | unguarded s | guarded s | "
              "difference s | the check alone s |\n|---|---|---|---|---|---|")
        shapes = {"aws secretsmanager": "aws secretsmanager ", "words": "echo hello there "}
        for shell in ("zsh", "fish"):
            for shape, unit in shapes.items():
                head = "printf 'BENCH-%s\\n' 42; true "
                command = head + (unit * (args.command // len(unit) + 1))[:args.command - len(head)]
                plain = shell_time(shell, False, command, work)
                guarded = shell_time(shell, True, command, work)
                check = guard_time(shell, command, work)
                print(f"| {shell} | {shape} | {plain:.3f} | {guarded:.3f} | "
                      f"{guarded - plain:+.3f} | {check:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
