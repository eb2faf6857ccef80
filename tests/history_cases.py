"""The shared table of commands that leak a secret and commands that do not (pure data).

One list feeds every tier: the scanner's unit tests (rule and masked form), the check that
the zsh/fish/bash guards agree with the scanner, and the interactive runs of real bash,
zsh and fish that type each command and read the history file afterwards. Every secret
holds CANARY; no harmless command does.
"""

from __future__ import annotations

from dataclasses import dataclass

S = "hunter2-CANARY-7f3a"  # the secret planted in every leaking command
ALL = ("bash", "zsh", "fish")
POSIX = ("bash", "zsh")  # bash/zsh syntax that fish does not parse ($'…', <<<, heredocs)
KEY_ID = "AKIACANARY0123456789"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7CANARYq8Zf0k"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY1"


@dataclass(frozen=True)
class Leak:
    """A command that carries a secret: the rule that must flag it, and how `history scan`
    shows it (masked). ``shells``: where the syntax is valid."""

    command: str
    rule: str
    masked: str
    shells: tuple[str, ...] = ALL


LEAKS = [
    # aws, in every spelling
    Leak(f"aws secretsmanager create-secret --name db/prod --secret-string {S}",
         "aws-inline-secret",
         "aws secretsmanager create-secret --name db/prod --secret-string ****"),
    Leak(f"aws secretsmanager put-secret-value --secret-id db "
         f"--secret-string='{S} with spaces'", "aws-inline-secret",
         "aws secretsmanager put-secret-value --secret-id db --secret-string='****'"),
    Leak(f'aws --profile p secretsmanager create-secret --secret-binary "{S}"',
         "aws-inline-secret",
         'aws --profile p secretsmanager create-secret --secret-binary "****"'),
    Leak(f"aws secretsmanager create-secret --secret-string {S}; "
         f"aws secretsmanager put-secret-value --secret-string {S}x",
         "aws-inline-secret", "aws secretsmanager create-secret --secret-string ****; "
         "aws secretsmanager put-secret-value --secret-string ****"),
    Leak(f'"aws" secretsmanager create-secret --name x --secret-string {S}',
         "aws-inline-secret", '"aws" secretsmanager create-secret --name x --secret-string ****'),
    Leak(f"a\\ws secretsmanager create-secret --name x --secret-string {S}",
         "aws-inline-secret", "a\\ws secretsmanager create-secret --name x --secret-string ****"),
    Leak(f"python3 -m awscli secretsmanager create-secret --name x --secret-string {S}",
         "aws-inline-secret",
         "python3 -m awscli secretsmanager create-secret --name x --secret-string ****"),
    Leak(f"aws secretsmanager create-secret --name x --secret-string\t{S}",
         "aws-inline-secret", "aws secretsmanager create-secret --name x --secret-string\t****"),
    Leak(f"aws secretsmanager create-secret --name x --secret-string $'{S}\\n'",
         "aws-inline-secret", "aws secretsmanager create-secret --name x --secret-string $'****'",
         POSIX),
    Leak(f"aws secretsmanager create-secret --name x \"--secret-string\" '{S}'",
         "aws-inline-secret",
         "aws secretsmanager create-secret --name x \"--secret-string\" '****'"),
    # JSON and shorthand
    Leak("aws secretsmanager create-secret --cli-input-json "
         f"""'{{"Name":"x","SecretString":"{S} b"}}'""", "json-secret-string",
         "aws secretsmanager create-secret --cli-input-json "
         """'{"Name":"x","SecretString":"****"}'"""),
    Leak(f'aws secretsmanager create-secret --cli-input-json "{{\\"SecretString\\": \\"{S}\\"}}"',
         "json-secret-string",
         'aws secretsmanager create-secret --cli-input-json "{\\"SecretString\\": \\"****\\"}"'),
    Leak(f"""aws secretsmanager put-secret-value --cli-input-json '{{"SecretString":  "{S}"}}'""",
         "json-secret-string",
         """aws secretsmanager put-secret-value --cli-input-json '{"SecretString":  "****"}'"""),
    Leak(f"aws cloudformation deploy --parameter-overrides SecretString={S}",
         "json-secret-string", "aws cloudformation deploy --parameter-overrides SecretString=****"),
    # vault
    Leak(f"vault kv put secret/app password={S} user={S}2",
         "vault-kv-put", "vault kv put secret/app password=**** user=****"),
    Leak(f"vault kv put -mount=secret app api='{S}'",
         "vault-kv-put", "vault kv put -mount=secret app api='****'"),
    # variables
    Leak(f"export DB_PASSWORD={S}", "secret-assignment", "export DB_PASSWORD=****"),
    Leak(f"export GITHUB_TOKEN='{S}'", "secret-assignment", "export GITHUB_TOKEN='****'"),
    Leak(f"export AWS_SECRET_ACCESS_KEY={S} AWS_REGION=eu-west-1", "secret-assignment",
         "export AWS_SECRET_ACCESS_KEY=**** AWS_REGION=eu-west-1"),
    Leak(f"PGPASSWORD={S} psql -h db", "secret-assignment", "PGPASSWORD=**** psql -h db",
         POSIX),
    Leak(f"export MYSQL_PWD={S}", "secret-assignment", "export MYSQL_PWD=****"),
    # safesm exec -e VAR=NAME is left alone, but not a literal that rides along with it
    Leak(f"safesm exec -e A=app/a -- env DB_TOKEN={S} ./run", "secret-assignment",
         "safesm exec -e A=app/a -- env DB_TOKEN=**** ./run"),
    Leak(f"safesm exec -e A=app/a DB_TOKEN={S} -- ./run", "secret-assignment",
         "safesm exec -e A=app/a DB_TOKEN=**** -- ./run"),
    Leak(f"safesm exec -e PGPASSWORD={S} -- psql", "secret-assignment",
         "safesm exec -e PGPASSWORD=**** -- psql"),
    Leak(f"DB_PASSWORD+={S}", "secret-assignment", "DB_PASSWORD+=****", POSIX),
    Leak(f"docker run -e \"POSTGRES_PASSWORD={S}\" postgres", "quoted-secret-assignment",
         'docker run -e "POSTGRES_PASSWORD=****" postgres'),
    Leak(f"set -gx OPENAI_API_KEY {S}", "fish-set-secret", "set -gx OPENAI_API_KEY ****"),
    Leak(f"read -r DB_PASSWORD <<< {S}", "read-herestring", "read -r DB_PASSWORD <<< ****",
         POSIX),
    Leak(f"aws configure set aws_secret_access_key {S}", "aws-configure-secret",
         "aws configure set aws_secret_access_key ****"),
    # other tools' password options, URLs and headers
    Leak(f"mysql -uroot -p{S} shop", "mysql-password", "mysql -uroot -p**** shop"),
    Leak(f"mysqldump --password={S} shop", "password-option", "mysqldump --password=**** shop"),
    Leak(f"docker login -u me --password {S} registry", "password-option",
         "docker login -u me --password **** registry"),
    Leak(f"curl -u admin:{S} https://example.com", "curl-user-password",
         "curl -u admin:**** https://example.com"),
    Leak(f"git clone https://me:{S}@github.com/org/repo", "url-credentials",
         "git clone https://me:****@github.com/org/repo"),
    Leak(f'curl -H "Authorization: Bearer {S}" https://api.example.com', "authorization-header",
         'curl -H "Authorization: Bearer ****" https://api.example.com'),
    # safesm itself
    Leak(f"safesm put db/prod {S}", "safesm-put-argv", "safesm put db/prod ****"),
    Leak(f"safesm --profile p put -f db/prod --description d '{S}'", "safesm-put-argv",
         "safesm --profile p put -f db/prod --description d '****'"),
    Leak(f"safesm put db/prod -- {S}", "safesm-put-argv", "safesm put db/prod -- ****"),
    Leak(f"safesm put --tag a=b db/prod {S}", "safesm-put-argv",
         "safesm put --tag a=b db/prod ****"),
    Leak(f"safesm put db/prod --secret-string {S}", "safesm-value-option",
         "safesm put db/prod --secret-string ****"),
    Leak(f"echo {S} | safesm put db/prod", "safesm-piped-literal",
         "echo **** | safesm put db/prod"),
    Leak(f"printf '%s' '{S}' | safesm put db/prod --force", "safesm-piped-literal",
         "printf '%s' '****' | safesm put db/prod --force"),
    Leak(f"safesm put db/prod <<< {S}", "safesm-herestring", "safesm put db/prod <<< ****",
         POSIX),
    Leak(f"safesm put db/prod <<<'{S}'", "safesm-herestring", "safesm put db/prod <<<'****'",
         POSIX),
    Leak(f"safesm put db/prod <<EOF\n{S}\nEOF", "safesm-heredoc",
         "safesm put db/prod <<EOF\\n****\\nEOF", POSIX),
    Leak(f"cat <<'EOF' | safesm put db/prod\n{S}\nEOF", "safesm-heredoc",
         "cat <<'EOF' | safesm put db/prod\\n****\\nEOF", POSIX),
    # key material
    Leak(f"curl -u {KEY_ID} https://x", "aws-access-key-id", "curl -u AKIA**** https://x"),
    Leak("echo ASIACANARY9876543210", "aws-access-key-id", "echo ASIA****"),
    Leak("aws secretsmanager create-secret --name k --secret-string "
         f"\"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----\"",
         "aws-inline-secret",
         'aws secretsmanager create-secret --name k --secret-string "****"'),
    Leak(SECRET_KEY, "secret-material", "****"),
    Leak("-----BEGIN RSA PRIVATE KEY-----", "private-key", "-----BEGIN RSA PRIVATE KEY****"),
]

# Whole compound commands typed over several lines, in each shell's syntax.
COMPOUND = {
    "bash": [f"for i in 1; do\nexport DB_PASSWORD={S}\ndone",
             f"if true; then\n  export GH_TOKEN={S}\nfi",
             f"{{\n  echo start\n  export API_KEY={S}\n}}"],
    "zsh": [f"for i in 1; do\nexport DB_PASSWORD={S}\ndone",
            f"if true; then\n  export GH_TOKEN={S}\nfi"],
    "fish": [f"begin\nset -l X_TOKEN {S}\nend",
             f"for i in 1\nset -gx DB_PASSWORD {S}\nend",
             f"if true\nexport GH_TOKEN={S}\nend",
             f"function leaky\nset -gx API_KEY {S}\nend"],
}

HARMLESS = [
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
    'safesm put db/prod --description "the db password" --tag team=core',
    "generate-pw | safesm put db/prod --force",
    'echo "$PW" | safesm put db/prod',
    "printf '%s' \"$PW\" | safesm put db/prod",
    "safesm get db/prod | wc -c",
    "vault kv put secret/app @data.json",
    "vault kv put secret/app password=@pw.txt",
    "vault kv get secret/app",
    "export DB_PASSWORD=$(pass show db)",
    "safesm exec -e PGPASSWORD=db/prod#password -- psql -h db.example.com -U app",
    "safesm exec --mask -e 'PGPASSWORD=db/prod#password' -- sh -c 'echo \"with $PGPASSWORD\"'",
    "safesm --profile dev exec -v --env=API_TOKEN=app/token --from db/prod -- ./server",
    "safesm env -e DB_PASSWORD=db/prod --format shell",
    "export GITHUB_TOKEN=",
    "export PATH=$PATH:/opt/bin",
    "export SECRETS_DIR=/etc/secrets",
    "export API_KEY_ID=k-123",
    'grep -r "API_KEY=" .',
    'git commit -m "TOKEN=abc"',
    "git commit -m 'rotate the db password'",
    "mysql -p shop",
    "mysql -u root -p",
    "mkdir -p /tmp/x",
    "curl -u admin https://example.com",
    'curl -u "$USER:$PASS" https://example.com',
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
    "git clone https://github.com/org/repo",
    "git clone git@github.com:org/repo.git",
    "ssh deploy@host",
    "docker run -u 1000:1000 alpine",
    "echo AKIAIOSFODNN7EXAMPL",  # 15 characters: not a key id
    "echo XAKIAIOSFODNN7EXAMPLE1",
    "git log --oneline",
    "ls -la",
]

# Harmless in fish's syntax only.
HARMLESS_FISH = ["set -gx GITHUB_TOKEN (gh auth token)"]


def harmless(shell: str) -> list[str]:
    return HARMLESS + (HARMLESS_FISH if shell == "fish" else [])


def leaks(shell: str) -> list[str]:
    """Every leaking command in ``shell``'s syntax, compound ones included."""
    return [leak.command for leak in LEAKS if shell in leak.shells] + COMPOUND[shell]
