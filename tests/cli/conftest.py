"""Run commands in-process through click's CliRunner against the emulator."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from safesm.cli import cli

from .iam_users import IamUser


@pytest.fixture
def run(aws):
    def invoke(*args: str, input: bytes | str | None = None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def names(sm) -> list[str]:
    return sorted(s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"])


@pytest.fixture
def iam_user(aws, monkeypatch):
    """An IAM user with moto's IAM enforcement on (see ``iam_users.IamUser``)."""
    user = IamUser(aws, monkeypatch)
    yield user
    user.off()
