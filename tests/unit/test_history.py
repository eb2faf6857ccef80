"""Pure history logic: leak rules, the three file formats, masking and the rewrite plan."""

from __future__ import annotations

import random
import re

import pytest

from safesm.cli import VALUE_OPTIONS
from safesm.history import SHELLS
from safesm.history.formats import detect_shell
from safesm.history.patterns import to_regex
from safesm.history.rules import RULES, SAFESM_VALUE_OPTIONS
from safesm.history.scan import Finding, scan, scrub
from safesm.history.shell_init import snippet

S = "hunter2-CANARY-7f3a"  # the secret planted in every risky sample

FLAGGED = [
    (f"aws secretsmanager create-secret --name db/prod --secret-string {S}",
     "aws-inline-secret", "aws secretsmanager create-secret --name db/prod --secret-string ****"),
    (f"aws secretsmanager put-secret-value --secret-id db --secret-string='{S} with spaces'",
     "aws-inline-secret",
     "aws secretsmanager put-secret-value --secret-id db --secret-string='****'"),
    (f'aws --profile p secretsmanager create-secret --secret-binary "{S}"',
     "aws-inline-secret", 'aws --profile p secretsmanager create-secret --secret-binary "****"'),
    (f"aws secretsmanager create-secret --secret-string {S}; "
     f"aws secretsmanager put-secret-value --secret-string {S}x",
     "aws-inline-secret", "aws secretsmanager create-secret --secret-string ****; "
     "aws secretsmanager put-secret-value --secret-string ****"),
    ("aws secretsmanager create-secret --cli-input-json "
     f"""'{{"Name":"x","SecretString":"{S} b"}}'""",
     "json-secret-string",
     """aws secretsmanager create-secret --cli-input-json '{"Name":"x","SecretString":"****"}'"""),
    (f'aws secretsmanager create-secret --cli-input-json "{{\\"SecretString\\": \\"{S}\\"}}"',
     "json-secret-string",
     'aws secretsmanager create-secret --cli-input-json "{\\"SecretString\\": \\"****\\"}"'),
    (f"aws cloudformation deploy --parameter-overrides SecretString={S}",
     "json-secret-string", "aws cloudformation deploy --parameter-overrides SecretString=****"),
    (f"vault kv put secret/app password={S} user={S}2",
     "vault-kv-put", "vault kv put secret/app password=**** user=****"),
    (f"vault kv put -mount=secret app api='{S}'",
     "vault-kv-put", "vault kv put -mount=secret app api='****'"),
    (f"export DB_PASSWORD={S}", "secret-assignment", "export DB_PASSWORD=****"),
    (f"export GITHUB_TOKEN='{S}'", "secret-assignment", "export GITHUB_TOKEN='****'"),
    (f"export AWS_SECRET_ACCESS_KEY={S} AWS_REGION=eu-west-1", "secret-assignment",
     "export AWS_SECRET_ACCESS_KEY=**** AWS_REGION=eu-west-1"),
    (f"PGPASSWORD={S} psql -h db", "secret-assignment", "PGPASSWORD=**** psql -h db"),
    (f"set -gx OPENAI_API_KEY {S}", "fish-set-secret", "set -gx OPENAI_API_KEY ****"),
    (f"aws configure set aws_secret_access_key {S}", "aws-configure-secret",
     "aws configure set aws_secret_access_key ****"),
    (f"safesm put db/prod {S}", "safesm-put-argv", "safesm put db/prod ****"),
    (f"safesm --profile p put -f db/prod --description d '{S}'", "safesm-put-argv",
     "safesm --profile p put -f db/prod --description d '****'"),
    (f"safesm put db/prod --secret-string {S}", "safesm-value-option",
     "safesm put db/prod --secret-string ****"),
    ("curl -u AKIAIOSFODNN7EXAMPLE https://x", "aws-access-key-id",
     "curl -u AKIA**** https://x"),
    ("echo ASIAZZZZZZZZZZZZZZZZ", "aws-access-key-id", "echo ASIA****"),
]

NOT_FLAGGED = [
    "aws secretsmanager get-secret-value --secret-id db/prod",
    "aws secretsmanager create-secret --name db --secret-string file://x",
    "aws secretsmanager create-secret --name db --secret-string 'file://secret.json'",
    "aws secretsmanager create-secret --name db --secret-binary fileb://key.der",
    'aws secretsmanager put-secret-value --secret-id db --secret-string "$VALUE"',
    "aws secretsmanager create-secret --cli-input-json file://in.json",
    "aws secretsmanager get-secret-value --secret-id x --query SecretString --output text",
    "safesm put db/prod",
    "safesm put db/prod --file x",
    "safesm put db/prod --file=x --force",
    "safesm put db/prod 2>/dev/null",
    "safesm put db/prod < value.txt",
    "generate-pw | safesm put db/prod --force",
    "vault kv put secret/app @data.json",
    "vault kv put secret/app password=@pw.txt",
    "vault kv get secret/app",
    "export DB_PASSWORD=$(pass show db)",
    "export GITHUB_TOKEN=",
    "export PATH=$PATH:/opt/bin",
    "set -gx GITHUB_TOKEN (gh auth token)",
    "echo AKIAIOSFODNN7EXAMPL",  # 15 characters: not a key id
    "echo XAKIAIOSFODNN7EXAMPLE1",
    "git commit -m 'rotate the db password'",
    "ls -la",
]


def bash_file(*cmds: str, stamps: bool = False) -> bytes:
    out = b""
    for i, cmd in enumerate(cmds):
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


def zsh_file(*cmds: str) -> bytes:
    return b"".join(b": %d:0;" % (1700000000 + i)
                    + zsh_meta(c.encode()).replace(b"\n", b"\\\n") + b"\n"
                    for i, c in enumerate(cmds))


def fish_file(*cmds: str) -> bytes:
    return b"".join(b"- cmd: " + c.encode().replace(b"\\", b"\\\\").replace(b"\n", b"\\n")
                    + b"\n  when: %d\n" % (1700000000 + i)
                    for i, c in enumerate(cmds))


FORMATS = {"bash": bash_file, "zsh": zsh_file, "fish": fish_file}


def assert_no_secret(finding: Finding) -> None:
    assert "CANARY" not in finding.command
    assert "CANARY" not in repr(finding)


@pytest.mark.parametrize(("cmd", "rule", "masked"), FLAGGED)
@pytest.mark.parametrize("shell", SHELLS)
def test_flagged_in_every_format(shell, cmd, rule, masked):
    data = FORMATS[shell]("ls", cmd, "cd /tmp")
    [finding] = scan(data, shell)
    assert rule in finding.rules
    assert finding.command == masked
    assert finding.shell == shell
    assert_no_secret(finding)


@pytest.mark.parametrize("cmd", NOT_FLAGGED)
@pytest.mark.parametrize("shell", SHELLS)
def test_not_flagged(shell, cmd):
    assert scan(FORMATS[shell](cmd), shell) == []


def test_ps_note_only_for_commands_that_ran_as_a_process():
    [export] = scan(bash_file(f"export DB_PASSWORD={S}"), "bash")
    [aws] = scan(bash_file(f"aws secretsmanager create-secret --secret-string {S}"), "bash")
    assert not export.in_process_listing
    assert aws.in_process_listing


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
    assert scan(masked, shell) == []  # a masked secret is not reported again
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


# --------------------------------------------------------------------------- one source


CORPUS = [c for c, _, _ in FLAGGED] + NOT_FLAGGED


def test_ere_and_scanner_regex_agree():
    """The ERE given to zsh and fish matches exactly what the scanner's regex matches."""
    for rule in RULES:
        ere = re.compile(rule.regex, re.DOTALL)
        python = re.compile(to_regex(rule.pattern, python=True), re.DOTALL)
        for cmd in CORPUS + [c + "\nls" for c in CORPUS]:
            assert bool(ere.search(cmd)) == bool(python.search(cmd)), (rule.id, cmd)


def test_snippets_are_built_from_the_rules():
    bash, zsh, fish = (snippet(s) for s in SHELLS)
    for rule in RULES:
        assert all(g in bash.replace("'\\''", "'") for g in rule.globs)
        assert rule.regex in zsh.replace("'\\''", "'")
        fish_quoted = rule.regex.replace("\\", "\\\\").replace("'", "\\'")
        assert fish_quoted in fish


def test_snippets_append_and_hook_instead_of_replacing():
    bash = snippet("bash")
    assert 'HISTIGNORE="${HISTIGNORE:+$HISTIGNORE:}' in bash
    assert 'HISTCONTROL="${HISTCONTROL:+$HISTCONTROL:}ignorespace"' in bash
    zsh = snippet("zsh")
    assert "add-zsh-hook zshaddhistory __safesm_zshaddhistory" in zsh
    assert "setopt HIST_IGNORE_SPACE" in zsh
    fish = snippet("fish")
    assert "fish_should_add_to_history" in fish and "functions -c" in fish


def test_globs_escape_histignore_separators():
    for rule in RULES:
        for glob in rule.globs:
            assert not re.search(r"(?<!\\)[:&]", glob), (rule.id, glob)


def test_safesm_value_options_match_the_cli():
    assert set(SAFESM_VALUE_OPTIONS) == set(VALUE_OPTIONS)


# --------------------------------------------------------------------------- never crash


def _garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 400))
    pieces = [b"#1700000000\n", b": 17:0;", b"- cmd: ", b"  when: 1\n", b"\\", b"\\\n",
              b"\n", b"\x83", b"\x83\x61", b"\xff", b"'", b'"', b"SecretString\":\"",
              b"--secret-string ", b"aws secretsmanager ", b"export A_TOKEN=", b"AKIA",
              b"ABCDEFGHIJKLMNOP", b"safesm put a ", b"vault kv put x ", b"k=", b"****", b" "]
    return b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 60)))


@pytest.mark.parametrize("seed", range(40))
def test_scan_and_scrub_never_crash_on_arbitrary_bytes(seed):
    rng = random.Random(seed)
    for _ in range(25):
        data = _garbage(rng)
        for shell in SHELLS:
            findings = scan(data, shell)
            removed = scrub(data, findings)
            masked = scrub(data, findings, mask=True)
            assert len(removed) <= len(data)
            assert isinstance(masked, bytes)
            for f in findings:
                assert 1 <= f.line <= data.count(b"\n") + 1
                assert all(0 <= a <= b <= len(data) for a, b in f.remove + f.secrets)
