"""Secrets Manager rotation: RotateSecret (configure, start) and CancelRotateSecret."""

from __future__ import annotations

import uuid
from typing import Any

from .client import Connection


class RotationCalls(Connection):
    def rotate(self, name: str, lambda_arn: str | None = None,
               rules: dict[str, str] | None = None, immediately: bool = True) -> str | None:
        """RotateSecret; the id of the version a rotation started now will create (our
        ClientRequestToken), None when only the configuration changed."""
        token = str(uuid.uuid4())
        kwargs: dict[str, Any] = {"SecretId": name, "ClientRequestToken": token,
                                  "RotateImmediately": immediately}
        if lambda_arn:
            kwargs["RotationLambdaARN"] = lambda_arn
        if rules:
            kwargs["RotationRules"] = rules
        with self.translate(name):
            resp = self.client.rotate_secret(**kwargs)
        return str(resp.get("VersionId") or token) if immediately else None

    def cancel_rotation(self, name: str) -> None:
        with self.translate(name):
            self.client.cancel_rotate_secret(SecretId=name)
