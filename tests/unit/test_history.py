"""Pure history logic: leak rules, the three file formats, masking and the rewrite plan."""

from __future__ import annotations

import random
import re

import click
import pytest

from safesm.cli import VALUE_OPTIONS, cli
from safesm.history import SHELLS
from safesm.history.formats import detect_shell, parse
from safesm.history.patterns import Alt, Lit, Rep, Secret, Star, needles, not_one_of, pcre
from safesm.history.rules import (
    RULES,
    SAFESM_GLOBAL_VALUE_OPTIONS,
    SAFESM_PUT_VALUE_OPTIONS,
    SAFESM_VALUE_OPTIONS,
)
from safesm.history.scan import Finding, clean, find_leaks, scan, scan_blocks, scrub
from safesm.history.shell_init import _fish_quote, _sh_quote, snippet
from tests.history_cases import COMPOUND, HARMLESS, HARMLESS_FISH, LEAKS, PEM_BODY, S

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


# --------------------------------------------------------------------------- bash files


def test_bash_timestamps_are_part_of_the_entry_and_lines_are_counted():
    data = bash_file("ls", f"export DB_PASSWORD={S}", "pwd", stamps=True)
    [finding] = scan(data, "bash")
    assert finding.line == 4
    cleaned = scrub(data, [finding])
    assert cleaned == b"#1700000000\nls\n#1700000002\npwd\n"


def test_bash_multiline_entry_after_a_timestamp():
    data = (b"#1700000000\nls\n#1700000001\nvault kv put secret/x \\\n  password="
            + S.encode() + b"\n#1700000002\npwd\n")
    [finding] = scan(data, "bash")
    assert finding.line == 5 and finding.rules[0] == "vault-kv-put"
    assert scrub(data, [finding]) == b"#1700000000\nls\n#1700000002\npwd\n"


def test_bash_untimed_line_after_a_timed_one_is_kept():
    """HISTTIMEFORMAT unset in one terminal: its lines follow a timestamped one. Keep them."""
    data = b"#1700000000\necho kept\nexport DB_PASSWORD=" + S.encode() + b"\necho kept too\n"
    [finding] = scan(data, "bash")
    assert scrub(data, [finding]) == b"#1700000000\necho kept\necho kept too\n"


def test_bash_removes_only_the_touched_line_not_the_one_before():
    data = b"#1700000000\nls\nPGPASSWORD=" + S.encode() + b" psql\n"
    [finding] = scan(data, "bash")
    assert finding.line == 3
    assert scrub(data, [finding]) == b"#1700000000\nls\n"


def test_bash_without_trailing_newline():
    data = b"ls\nexport DB_PASSWORD=" + S.encode()
    [finding] = scan(data, "bash")
    assert scrub(data, [finding]) == b"ls\n"
    assert scrub(data, [finding], mask=True) == b"ls\nexport DB_PASSWORD=****"


PEM_COMMAND = (b'aws secretsmanager create-secret --name k --secret-string "-----BEGIN PRIVATE'
               b' KEY-----\n' + PEM_BODY.encode() + b"\n" + PEM_BODY.encode()
               + b'\n-----END PRIVATE KEY-----"\n')


def test_plain_bash_pem_key_over_several_lines_is_removed_whole():
    """The report that started this: a default bash (no HISTTIMEFORMAT) saved a quoted key
    as several lines; scrub used to remove the first one only."""
    data = b"ls\n" + PEM_COMMAND + b"pwd\n"
    [finding] = scan(data, "bash")
    assert finding.command == 'aws secretsmanager create-secret --name k --secret-string "****"'
    assert scrub(data, [finding]) == b"ls\npwd\n"
    assert scrub(data, [finding], mask=True) == (
        b'ls\naws secretsmanager create-secret --name k --secret-string "****"\npwd\n')


def test_a_key_body_left_behind_is_still_flagged():
    """What the old scrub left: the key's lines without the command. Each is flagged."""
    data = b"ls\n" + PEM_COMMAND.split(b"\n", 1)[1] + b"pwd\n"
    findings = scan(data, "bash")
    assert [f.rules for f in findings] == [("secret-material",), ("secret-material",),
                                           ("private-key",)]
    assert scrub(data, findings) == b"ls\npwd\n"


def test_an_aws_secret_key_alone_on_a_line_is_flagged():
    data = b"ls\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\npwd\n"
    [finding] = scan(data, "bash")
    assert finding.rules == ("secret-material",) and finding.command == "****"
    assert scan(b"ls\n3f2a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\n", "bash") == []  # 39


@pytest.mark.parametrize("lines", [
    f"safesm put db <<EOF\n{S}\nmore\nEOF",
    f"safesm put db <<-'END'\n\t{S}\n\tEND",
    f"for i in 1\ndo\n  export DB_PASSWORD={S}\ndone",
    f"aws secretsmanager put-secret-value --secret-id x --secret-string \\\n{S}",
    f"echo {S} |\nsafesm put db",
    f"export X_TOKEN='{S}\nsecond line'",
    f"export X_TOKEN=$'{S}\\'\nsecond line'",
])
def test_plain_bash_groups_continuation_lines(lines):
    data = b"ls\n" + lines.encode() + b"\npwd\n"
    [finding] = scan(data, "bash")
    assert "CANARY" not in finding.command
    assert scrub(data, [finding]) == b"ls\npwd\n"


def test_plain_bash_open_quote_that_never_closes_does_not_swallow_the_file():
    data = b"echo 'unbalanced\n" + b"".join(b"echo %d\n" % i for i in range(300)) \
        + b"export DB_PASSWORD=" + S.encode() + b"\necho after\n"
    [finding] = scan(data, "bash")
    assert scrub(data, [finding]) == data.replace(b"export DB_PASSWORD=" + S.encode()
                                                  + b"\n", b"")


def test_plain_bash_comment_quote_does_not_open_a_string():
    data = b"echo hi # it's fine\nexport DB_PASSWORD=" + S.encode() + b"\nls\n"
    [finding] = scan(data, "bash")
    assert scrub(data, [finding]) == b"echo hi # it's fine\nls\n"


# --------------------------------------------------------------------------- zsh, fish


def test_zsh_multiline_entry_and_continuation():
    data = zsh_file("ls", f"vault kv put secret/x \\\n  password={S}", "pwd")
    assert b"\\\\\n  password" in data  # the typed backslash-newline, then zsh's own
    [finding] = scan(data, "zsh")
    assert finding.line == 3
    assert finding.command == "vault kv put secret/x \\\\n  password=****"
    assert scrub(data, [finding]) == b": 1700000000:0;ls\n: 1700000002:0;pwd\n"


def test_zsh_metafied_bytes_as_zsh_wrote_them():
    # Captured from zsh 5.9: `echo café 日本 export DB_PASSWORD=päss•w`, then `echo done`.
    data = (b": 1795897940:0;echo caf\xc3\xa9 \xe6\x83\xb7\xa5\xe6\x83\xbc\xac export "
            b"DB_PASSWORD=p\xc3\xa4ss\xe2\x80\x83\x82w\n: 1795897940:0;echo done\n")
    [finding] = scan(data, "zsh")
    assert finding.command == "echo café 日本 export DB_PASSWORD=****"
    masked = scrub(data, [finding], mask=True)
    assert masked == (b": 1795897940:0;echo caf\xc3\xa9 \xe6\x83\xb7\xa5\xe6\x83\xbc\xac "
                      b"export DB_PASSWORD=****\n: 1795897940:0;echo done\n")
    assert scrub(data, [finding]) == b": 1795897940:0;echo done\n"


def test_zsh_metafied_secret_marker_is_decoded_before_matching():
    # "AKIA" + 16 characters where a metafied byte hides nothing: 0x83 0x61 is 'A'.
    data = b": 1:0;echo AKIA\x83\x61BCDEFGHIJKLMNOP\n"
    [finding] = scan(data, "zsh")
    assert finding.command == "echo AKIA****"
    assert scrub(data, [finding], mask=True) == b": 1:0;echo AKIA****\n"


def test_a_byte_that_is_not_utf8_does_not_hide_a_secret():
    data = zsh_file("ls") + b": 2:0;export DB_PASSWORD=" + S.encode() + b"\xff\xfe\n"
    [finding] = scan(data, "zsh")
    assert finding.command == "export DB_PASSWORD=****"


def test_zsh_plain_format_without_timestamps():
    data = f"ls\nexport API_TOKEN={S}\npwd\n".encode()
    [finding] = scan(data, "zsh")
    assert scrub(data, [finding]) == b"ls\npwd\n"


def test_fish_escaped_newlines_and_backslashes():
    # As fish 3.6 wrote them: a typed `\\` is stored as `\\\\`, a newline as `\n`.
    data = (b"- cmd: echo 'a\\\\\\\\b' caf\xc3\xa9\n  when: 1795897949\n"
            b"- cmd: echo 'multi\\nline' DB_PASSWORD=" + S.encode() + b"\n  when: 1795897949\n"
            b"  paths:\n    - /tmp\n"
            b"- cmd: exit\n  when: 1795897950\n")
    [finding] = scan(data, "fish")
    assert finding.line == 3
    assert finding.command == "echo 'multi\\nline' DB_PASSWORD=****"
    assert scrub(data, [finding]) == (
        b"- cmd: echo 'a\\\\\\\\b' caf\xc3\xa9\n  when: 1795897949\n"
        b"- cmd: exit\n  when: 1795897950\n")


def test_fish_secret_split_by_an_escape_is_masked_whole():
    data = fish_file(f"export X_TOKEN='{S}\\tail\nnext'")
    [finding] = scan(data, "fish")
    masked = scrub(data, [finding], mask=True)
    assert masked == b"- cmd: export X_TOKEN='****'\n  when: 1700000000\n"


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


def test_entries_cover_the_file():
    data = bash_file("ls", f"export X_TOKEN={S}", stamps=True) + PEM_COMMAND
    entries = parse(data, "bash")
    assert entries[0].start == 0 and entries[-1].end == len(data)


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
    found = {text for rule in RULES for term in rule.terms for text in lits(term)}
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
        for p, e in zip(rule.pcre, rule.ere, strict=True):
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
