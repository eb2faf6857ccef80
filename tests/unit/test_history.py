"""Pure history logic: leak rules, the three file formats, masking and the rewrite plan."""

from __future__ import annotations

import random
import re

import click
import pytest

from safesm.cli import VALUE_OPTIONS, cli
from safesm.history import SHELLS
from safesm.history.formats import detect_shell
from safesm.history.patterns import Alt, Lit, Rep, Secret, Star, needles, not_one_of, pcre
from safesm.history.rules import (
    RULES,
    SAFESM_GLOBAL_VALUE_OPTIONS,
    SAFESM_PUT_VALUE_OPTIONS,
    SAFESM_VALUE_OPTIONS,
)
from safesm.history.scan import Finding, clean, find_leaks, scan, scan_blocks, scrub
from safesm.history.shell_init import _fish_quote, _sh_quote, snippet
from tests.history_cases import COMPOUND, HARMLESS, HARMLESS_FISH, LEAKS, S

FLAGGED = [(leak.command, leak.rule, leak.masked) for leak in LEAKS]
NOT_FLAGGED = HARMLESS + HARMLESS_FISH


def bash_file(*cmds: str, stamps: bool = False, first: int = 0) -> bytes:
    out = b""
    for i, cmd in enumerate(cmds, first):
        if stamps:
            out += b"#%d\n" % (1700000000 + i)
        out += cmd.encode() + b"\n"
    return out


def zsh_meta(raw: bytes) -> bytes:
    """zsh's metafication: 0x00, 0x83..0xa2 become 0x83 followed by the byte XOR 0x20."""
    out = bytearray()
    for b in raw:
        if b == 0 or 0x83 <= b <= 0xA2:
            out += bytes([0x83, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def zsh_file(*cmds: str, first: int = 0) -> bytes:
    return b"".join(b": %d:0;" % (1700000000 + i)
                    + zsh_meta(c.encode()).replace(b"\n", b"\\\n") + b"\n"
                    for i, c in enumerate(cmds, first))


def fish_file(*cmds: str, first: int = 0) -> bytes:
    return b"".join(b"- cmd: " + c.encode().replace(b"\\", b"\\\\").replace(b"\n", b"\\n")
                    + b"\n  when: %d\n" % (1700000000 + i)
                    for i, c in enumerate(cmds, first))


FORMATS = {"bash": bash_file, "zsh": zsh_file, "fish": fish_file}
# Every format, bash with and without HISTTIMEFORMAT timestamps.
LAYOUTS = {"bash": bash_file, "bash-timed": lambda *c, first=0: bash_file(*c, stamps=True,
                                                                        first=first),
           "zsh": zsh_file, "fish": fish_file}


def without_the_middle(layout: str) -> bytes:
    """``ls``, then ``cd /tmp`` as the third entry: what is left of ("ls", X, "cd /tmp")."""
    return LAYOUTS[layout]("ls") + LAYOUTS[layout]("cd /tmp", first=2)


def assert_no_secret(finding: Finding) -> None:
    assert "CANARY" not in finding.command
    assert "CANARY" not in repr(finding)


@pytest.mark.parametrize(("cmd", "rule", "masked"), FLAGGED)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_flagged_in_every_format(layout, cmd, rule, masked):
    shell = layout.split("-")[0]
    data = LAYOUTS[layout]("ls", cmd, "cd /tmp")
    [finding] = scan(data, shell)
    assert rule in finding.rules
    assert finding.command == masked
    assert finding.shell == shell
    assert_no_secret(finding)
    removed = scrub(data, [finding])
    assert b"CANARY" not in removed and scan(removed, shell) == []
    assert removed == without_the_middle(layout)
    masked_file = scrub(data, [finding], mask=True)
    assert b"CANARY" not in masked_file
    assert scan(masked_file, shell) == []  # a masked secret is not reported again


@pytest.mark.parametrize("cmd", NOT_FLAGGED)
@pytest.mark.parametrize("shell", SHELLS)
def test_not_flagged(shell, cmd):
    assert scan(FORMATS[shell](cmd), shell) == []


@pytest.mark.parametrize(("shell", "cmd"), [(s, c) for s, cs in COMPOUND.items() for c in cs])
def test_whole_compound_command_is_removed(shell, cmd):
    layouts = ["bash", "bash-timed"] if shell == "bash" else [shell]
    for layout in layouts:
        data = LAYOUTS[layout]("ls", cmd, "cd /tmp")
        [finding] = scan(data, shell)
        assert finding.command.count("\\n") == cmd.count("\n")  # all of its lines
        assert scrub(data, [finding]) == without_the_middle(layout)


def test_ps_note_only_for_commands_that_ran_as_a_process():
    [export] = scan(bash_file(f"export DB_PASSWORD={S}"), "bash")
    [aws] = scan(bash_file(f"aws secretsmanager create-secret --secret-string {S}"), "bash")
    assert not export.in_process_listing
    assert aws.in_process_listing


@pytest.mark.parametrize("shell", SHELLS)
def test_scrub_keeps_every_other_entry_byte_for_byte(shell):
    others = ["ls -la", "echo 'ünïcødé ✓'", "git log --oneline", "cd /tmp && make"]
    risky = [c for c, _, _ in FLAGGED[:4]]
    chunks = [(cmd, FORMATS[shell](cmd)) for pair in zip(others, risky, strict=True)
              for cmd in pair]
    data = b"".join(chunk for _, chunk in chunks)
    findings = scan(data, shell)
    assert len(findings) == 4
    assert scrub(data, findings) == b"".join(c for cmd, c in chunks if cmd in others)
    masked = scrub(data, findings, mask=True)
    assert S.encode() not in masked
    assert scan(masked, shell) == []
    for cmd, chunk in chunks:
        if cmd in others:
            assert chunk in masked


def test_printable_escapes_terminal_control_bytes():
    data = bash_file(f"export DB_PASSWORD={S} \x1b[2J\x07")
    [finding] = scan(data, "bash")
    assert "\x1b" not in finding.command and "\x07" not in finding.command
    assert finding.command == "export DB_PASSWORD=**** \\x1b[2J\\x07"


@pytest.mark.parametrize(
    ("name", "data", "shell"),
    [("fish_history", b"", "fish"), (".zsh_history", b"", "zsh"), (".zhistory", b"", "zsh"),
     (".bash_history", b"", "bash"), ("hist", b": 1700000000:0;ls\n", "zsh"),
     ("hist", b"- cmd: ls\n  when: 1\n", "fish"), ("hist", b"#1700000000\nls\n", "bash"),
     ("hist", b"\xff\xfe garbage", "bash")],
)
def test_detect_shell(name, data, shell):
    assert detect_shell(name, data) == shell


# --------------------------------------------------------------------------- streaming


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reading_in_blocks_finds_what_reading_whole_finds(layout):
    """Any split of the file into blocks (the scanner never holds it whole) gives the same
    findings, entries that straddle a block boundary included."""
    shell = layout.split("-")[0]
    cmds = [c for c, _, _ in FLAGGED] + NOT_FLAGGED
    data = LAYOUTS[layout](*random.Random(3).sample(cmds, len(cmds)))
    whole = scan(data, shell)
    rng = random.Random(4)
    for _ in range(20):
        cuts = sorted(rng.sample(range(1, len(data)), rng.randrange(1, 40)))
        blocks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        assert list(scan_blocks(blocks, shell)) == whole
    assert len(whole) == len(FLAGGED)


# --------------------------------------------------------------------------- one source


CORPUS = [c for c, _, _ in FLAGGED] + NOT_FLAGGED + [c for cs in COMPOUND.values() for c in cs]


def _fragments() -> list[str]:
    def lits(seq):
        for atom in seq:
            if isinstance(atom, Lit):
                yield atom.text
            elif isinstance(atom, Alt):
                for option in atom.options:
                    yield from lits(option)
            elif isinstance(atom, (Star, Secret)):
                yield from lits(atom.body)
    found = {text for rule in RULES for term in (*rule.terms, rule.unless)
             for text in lits(term)}
    return sorted(found | {" ", "\t", "\n", "'", '"', "\\", "$", "=", ":", "@", "/", "x", "9",
                           "-", "|", "<", "A" * 20, "ab+/" * 12, "file://", "%s", S})


def _random_commands(count: int, seed: int) -> list[str]:
    rng, pieces = random.Random(seed), _fragments()
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
            for _ in range(count)]


def test_ere_and_pcre_agree():
    """The ERE given to zsh and bash matches exactly what the PCRE of fish and the scanner
    matches, on the shared table and on random mixes of the rules' own fragments."""
    for rule in RULES:
        pairs = zip((*rule.pcre, rule.unless_pcre), (*rule.ere, rule.unless_ere), strict=True)
        for p, e in [pair for pair in pairs if pair[0]]:
            python, posix = re.compile(p.encode(), re.DOTALL), re.compile(e.encode(), re.DOTALL)
            for cmd in CORPUS + _random_commands(3000, hash(rule.id) % 1000):
                data = cmd.encode()
                assert bool(python.search(data)) == bool(posix.search(data)), (rule.id, cmd)


def test_needles_are_in_every_match():
    """The scanner and the shells skip a rule whose needles are missing: they must be in
    every text a term matches (after lower-casing, and removing quotes when marked)."""
    for rule in RULES:
        for term, found in zip(rule.pcre, rule.needles, strict=True):
            regex = re.compile(term.encode(), re.DOTALL)
            for cmd in CORPUS + _random_commands(3000, 7):
                if found and regex.search(cmd.encode()):
                    text = cmd.lower()
                    if found.quoted:
                        text = text.translate(str.maketrans("", "", "\"'\\"))
                    assert any(n in text for n in found.texts), (rule.id, cmd)


def test_not_one_of_is_exact():
    words = ("-file", "-key", "-kms-key", "-")
    regex = re.compile(pcre((Lit("-"), not_one_of(words, " =")),) + r"(?= |=|$)")
    for token in ["--file", "--key", "--kms-key", "--"]:
        assert not regex.fullmatch(token), token
    for token in ["--fil", "--files", "--ke", "--kms", "--kms-keys", "--force", "-f", "---"]:
        assert regex.fullmatch(token), token


def test_needles_take_the_longest_literal_run():
    found = needles((Lit("--"), Alt(((Lit("password"),), (Lit("token"),))), Rep(Lit("x"))))
    assert found and found.texts == ("--password", "--token") and not found.quoted


def test_snippets_are_built_from_the_rules():
    bash, zsh, fish = (snippet(s) for s in SHELLS)
    for rule in RULES:
        for term in rule.ere:
            assert _sh_quote(term) in bash and _sh_quote(term) in zsh
        for term in rule.pcre:
            assert _fish_quote("(?s)" + term) in fish


def test_snippets_add_to_the_users_settings_instead_of_replacing_them():
    bash = snippet("bash")
    assert 'PROMPT_COMMAND="__safesm_history_guard${PROMPT_COMMAND:+' in bash
    assert 'HISTCONTROL="${HISTCONTROL:+$HISTCONTROL:}ignorespace"' in bash
    assert "HISTIGNORE" not in bash
    zsh = snippet("zsh")
    assert "add-zsh-hook zshaddhistory __safesm_zshaddhistory" in zsh
    assert "setopt HIST_IGNORE_SPACE" in zsh and "local LC_ALL=C" in zsh
    fish = snippet("fish")
    assert "fish_should_add_to_history" in fish and "functions -c" in fish


def test_safesm_value_options_match_the_cli():
    assert set(SAFESM_VALUE_OPTIONS) == set(VALUE_OPTIONS)


def _value_options(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) and not p.is_flag
            for name in p.opts}


def test_safesm_options_that_take_a_value_match_the_cli():
    """`safesm put NAME --tag k=v` has one positional: the rules must know which options
    take a value, or an option's value would be read as the secret (or the secret as one)."""
    put = cli.get_command(click.Context(cli), "put")
    assert put is not None
    assert set(SAFESM_PUT_VALUE_OPTIONS) == _value_options(put)
    assert set(SAFESM_GLOBAL_VALUE_OPTIONS) == _value_options(cli)


# --------------------------------------------------------------------------- never crash


def _garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 400))
    pieces = [b"#1700000000\n", b": 17:0;", b"- cmd: ", b"  when: 1\n", b"\\", b"\\\n",
              b"\n", b"\x83", b"\x83\x61", b"\xff", b"'", b'"', b"SecretString\":\"",
              b"--secret-string ", b"aws secretsmanager ", b"export A_TOKEN=", b"AKIA",
              b"ABCDEFGHIJKLMNOP", b"safesm put a ", b"vault kv put x ", b"k=", b"****", b" ",
              b"<<EOF\n", b"EOF\n", b"for i in 1; do\n", b"done\n", b"$'", b"://u:p@h",
              b"-----BEGIN PRIVATE KEY-----", b"ab+/" * 11, b"| safesm put x", b"<<< v"]
    return b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 60)))


@pytest.mark.parametrize("seed", range(40))
def test_scan_and_scrub_never_crash_on_arbitrary_bytes(seed):
    rng = random.Random(seed)
    for _ in range(25):
        data = _garbage(rng)
        for shell in SHELLS:
            findings = scan(data, shell)
            assert len(scrub(data, findings)) <= len(data)
            assert b"CANARY" not in scrub(data, findings, mask=True)
            for mask in (False, True):  # a pass may expose one more; a few rounds end it
                cleaned, count = clean(data, shell, mask)
                assert scan(cleaned, shell) == [] and count >= len(findings)
            for f in findings:
                assert 1 <= f.line <= data.count(b"\n") + 1
                assert all(0 <= a <= b <= len(data) for a, b in f.remove + f.secrets)


def test_find_leaks_on_plain_text():
    assert [leak.rule for leak in find_leaks(f"export DB_PASSWORD={S}".encode())] == [
        "secret-assignment"]


def test_readme_lists_every_rule():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `")}
    assert {rule.id for rule in RULES} <= rows


def test_block_needles_and_hints_never_skip_a_rule_that_matches():
    """A large file is searched for each rule's needles, and each find checked against the
    rule's hint, before any regex runs: that must pick every rule that matches."""
    from safesm.history.scan import _hits, _needle_items

    for cmd in CORPUS + _random_commands(3000, 13):
        text = cmd.encode()
        picked = frozenset().union(*_hits(text).values()) | _needle_items()[1]
        full = [leak.rule for leak in find_leaks(text)]
        assert [leak.rule for leak in find_leaks(text, picked)] == full, cmd
