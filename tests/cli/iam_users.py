"""Credentials and IAM users for in-process CLI tests: a client with any keys, and an IAM
user in the emulator with moto's IAM enforcement on (real AccessDenied answers)."""

from __future__ import annotations

import json
import urllib.request

from tests.conftest import REGION

ACCT = "123456789012"  # moto's account


def client(service, aws, **creds):
    import boto3

    return boto3.client(service, region_name=REGION, endpoint_url=aws,
                        aws_access_key_id=creds.get("key", "AKIAIOSFODNN7EXAMPLE"),
                        aws_secret_access_key=creds.get("secret", "x"),
                        aws_session_token=creds.get("token"))


def use_credentials(monkeypatch, key, secret, token=None):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    if token:
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)


class IamUser:
    """An IAM user in the emulator, with moto's IAM enforcement on while it is in use."""

    def __init__(self, aws, monkeypatch):
        self.aws, self.monkeypatch = aws, monkeypatch

    def _auth(self, count: str) -> None:
        req = urllib.request.Request(self.aws + "/moto-api/reset-auth", data=count.encode(),
                                     method="POST", headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).read()

    def __call__(self, name: str, deny: list[str], path: str = "/") -> str:
        """Create the user (allowed everything but `deny`), use its keys, enforce IAM."""
        iam = client("iam", self.aws)
        iam.create_user(UserName=name, Path=path)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": deny, "Resource": "*"}]}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        use_credentials(self.monkeypatch, key["AccessKeyId"], key["SecretAccessKey"])
        self._auth("0")
        return f"arn:aws:iam::{ACCT}:user{path}{name}"

    def off(self) -> None:
        """Back to the default keys, without enforcement."""
        self._auth("inf")
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            self.monkeypatch.delenv(var, raising=False)
