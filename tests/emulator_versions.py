"""Emulator extension: ListSecretVersionIds reports each version's real creation date.

moto 5.2 stores when a version was created ("createdate") but answers ListSecretVersionIds
with the time of the call, so `versions` and `describe` (which dates versions from that
call) would show the same moment for every version. AWS returns the creation date.
"""

from __future__ import annotations

import json


def install() -> None:
    from moto.secretsmanager.models import SecretsManagerBackend

    original = getattr(SecretsManagerBackend, "list_secret_version_ids", None)
    if original is None:  # as tests/emulator.py does for its own targets: say what moved
        raise RuntimeError("tests/emulator_versions.py: moto has no "
                           "SecretsManagerBackend.list_secret_version_ids to patch")

    def list_secret_version_ids(self: SecretsManagerBackend, secret_id: str) -> str:
        answer = json.loads(original(self, secret_id))
        versions = self.secrets[secret_id].versions
        for item in answer["Versions"]:
            created = versions.get(item["VersionId"], {}).get("createdate")
            if created is not None:
                item["CreatedDate"] = created
        return json.dumps(answer)

    SecretsManagerBackend.list_secret_version_ids = list_secret_version_ids
