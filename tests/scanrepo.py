"""A planted tree for `safesm scan`: real-looking secrets, AWS's documented example keys, a
binary file, and (in a repository) a gitignored file.

The key-shaped values come from a fixed seed: random ones were sometimes also read as a
keyword or high-entropy finding by detect-secrets' other plugins, which made the expected
set of findings flaky. The database password is the test's fresh canary."""

from __future__ import annotations

import random
import string
from pathlib import Path

_RANDOM = random.Random(20261130)  # noqa: S311 - test data, not a secret


def _key(prefix: str, n: int, alphabet: str) -> str:
    return prefix + "".join(_RANDOM.choice(alphabet) for _ in range(n))


def plant_tree(root: Path, canary: str) -> dict[str, str]:
    """Write the tree; return the planted values by label (tests check they never show)."""
    _RANDOM.seed(20261130)  # the same values in every test
    upper = string.ascii_uppercase + string.digits
    b64 = string.ascii_letters + string.digits + "+/"
    values = {
        "key_id": _key("AKIA", 16, upper).replace("EXAMPLE", "EXAMPLF"),
        "secret_key": _key("", 40, b64),
        "db_password": canary,
        "pem_body": _key("", 64, b64),
    }
    (root / "src").mkdir(parents=True)
    (root / "src" / "settings.py").write_text(
        f'AWS_ACCESS_KEY_ID = "{values["key_id"]}"\n'
        f'aws_secret_access_key = "{values["secret_key"]}"\n'
        f'DATABASE_URL = "postgres://app:{values["db_password"]}@db.internal:5432/app"\n'
        'DEBUG = True\n')
    (root / "deploy").mkdir()
    (root / "deploy" / "id_rsa").write_text(
        "-----BEGIN RSA PRIVATE KEY-----\n" + values["pem_body"] + "\n"
        + values["pem_body"][::-1] + "\n-----END RSA PRIVATE KEY-----\n")
    (root / "docs").mkdir()
    (root / "docs" / "example.ini").write_text(  # AWS's documented example keys
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    (root / "logo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + f"AKIA{'Z' * 16}".encode()
                                    + b"\0password = 'hunter2hunter2'")
    return values
