"""Pure history logic: the file formats (bash with and without timestamps, zsh, fish)."""

from __future__ import annotations

import random

import pytest

from safesm.history.bash_index import BashIndex
from safesm.history.bash_lexer import _KEYWORD, _PLAIN, CLOSED, _code_state, plain_state
from safesm.history.formats import parse, parse_bash, split_lines
from safesm.history.scan import scan, scrub
from tests.history_cases import PEM_BODY, S
from tests.unit.test_history import CORPUS, bash_file, fish_file, zsh_file

CORPUS_COMMANDS = [line for cmd in CORPUS for line in cmd.split("\n")]

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


def test_entries_cover_the_file():
    data = bash_file("ls", f"export X_TOKEN={S}", stamps=True) + PEM_COMMAND
    entries = parse(data, "bash")
    assert entries[0].start == 0 and entries[-1].end == len(data)


# ------------------------------------------------------- the lazy bash index and the lexer


def _bash_samples() -> list[bytes]:
    """Bash files built from the shared table's commands (compound and multi-line ones
    among them), with and without timestamps, cut anywhere."""
    rng = random.Random(11)
    commands = [*CORPUS_COMMANDS, "for f in *; do", "  echo \"$f\"", "done", "cat <<EOF",
                "EOF", "echo 'open", "{", "}", "x |", "y \\", "if true; then", "fi",
                "echo $'a\\'b'", "# it's a comment", "printf '%s' \"a b\""]
    out = []
    for n in range(60):
        lines = [rng.choice(commands) for _ in range(rng.randrange(1, 40))]
        if n % 3 == 0:
            stamped: list[str] = []
            for line in lines:
                if rng.random() < 0.7:
                    stamped.append(f"#17000000{rng.randrange(10, 99)}")
                stamped.append(line)
            lines = stamped
        data = ("\n".join(lines) + ("\n" if n % 4 else "")).encode()
        out += [data, data[:rng.randrange(len(data) + 1)]]
    return out


@pytest.mark.parametrize("final", [True, False])
def test_bash_index_gives_the_entries_of_parse_bash(final):
    """The scanner's lazy index (entries built only for the lines it asks about) must
    agree with the full parser on every line and on how far the block is complete."""
    for data in _bash_samples():
        if not final:
            data = data[:data.rfind(b"\n") + 1]
        entries, consumed = parse_bash(data, final)
        index = BashIndex(data, final)
        assert index.consumed == consumed, data
        for i in range(index.count):
            start = index.starts[i]
            if start >= consumed:
                break
            expected = next((e for e in entries if e.start <= start < e.end), None)
            first = data.count(b"\n", 0, expected.start) if expected else 0
            assert index.entry_at(i) == (expected and (expected, first)), (data, i)


def test_the_plain_line_shortcuts_agree_with_the_full_reader():
    extra = [b"for x in a; do echo 'done'; done", b"if true; then", b"while x; do y",
             b"case $x in", b"{ echo a; }", b"for f in *; do echo \"$f\"; done | wc -l"]
    for data in [*_bash_samples(), b"\n".join(extra)]:
        for start, stop, _ in split_lines(data):
            line = data[start:stop]
            if _PLAIN.fullmatch(line) and not _KEYWORD.search(line):
                assert _code_state(line, 0, 0) == CLOSED, line
            elif _PLAIN.fullmatch(line) and b"#" not in line:
                assert plain_state(line) == _code_state(line, 0, 0), line
