"""Emulator extension: BatchGetSecretValue's limit of 20 ids per call.

AWS refuses a SecretIdList of more than 20 ids (ValidationException); moto answers any
number. With the limit in place, an `exec` of more than 20 secrets succeeds only if
safesm splits its reads into calls of at most 20. Installed by tests/emulator.py.
"""

from __future__ import annotations

MAX_IDS = 20
TARGET = "moto.secretsmanager.responses:SecretsManagerResponse.batch_get_secret_value"


def install() -> None:
    from moto.secretsmanager.exceptions import SecretsManagerClientError
    from moto.secretsmanager.responses import SecretsManagerResponse

    original = getattr(SecretsManagerResponse, "batch_get_secret_value", None)
    if original is None:
        raise RuntimeError(f"tests/emulator_batch.py: moto has no {TARGET}")

    def batch_get_secret_value(self: SecretsManagerResponse) -> str:
        ids = self._get_param("SecretIdList", if_none=[])
        if len(ids) > MAX_IDS:
            raise SecretsManagerClientError(
                "ValidationException", "1 validation error detected: Value at "
                "'secretIdList' failed to satisfy constraint: Member must have length less "
                f"than or equal to {MAX_IDS}")
        return original(self)

    SecretsManagerResponse.batch_get_secret_value = batch_get_secret_value
