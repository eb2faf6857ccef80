"""Test rotation Lambdas in the emulator's Lambda backend (tests/emulator_lifecycle.py runs
them): an execution role in IAM, and functions whose Handler picks the test rotator."""

from __future__ import annotations

import io
import zipfile

import boto3

from .conftest import REGION

ROLE_NAME = "rotator-role"
KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "x"}


def client(service: str, url: str, region: str = REGION):
    return boto3.client(service, region_name=region, endpoint_url=url, **KEYS)


def make_role(url: str) -> str:
    iam = client("iam", url)
    return iam.create_role(RoleName=ROLE_NAME, Path="/service-role/",
                           AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": '
                           '[{"Effect": "Allow", "Principal": {"Service": '
                           '"lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
                           )["Role"]["Arn"]


def make_rotator(url: str, handler: str = "succeed", role: str | None = None,
                 step_delay: float = 0.0, name: str | None = None) -> str:
    """A function whose Handler is rotator.<handler> (succeed or fail_at_test)."""
    if role is None:
        role = make_role(url)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("rotator.py", "def succeed(event, context):\n    pass\n")
    fn = client("lambda", url).create_function(
        FunctionName=name or f"rotator-{handler.replace('_', '-')}", Runtime="python3.12",
        Role=role, Handler=f"rotator.{handler}", Code={"ZipFile": code.getvalue()},
        Environment={"Variables": {"STEP_DELAY": str(step_delay)}})
    return fn["FunctionArn"]
