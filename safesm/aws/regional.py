"""Clients for other services (Lambda) and other Regions (a replica's), with the Secrets
Manager client's own credentials, timeouts and user agent, so that a profile's MFA or SSO
step is never asked for twice.

Endpoint: the Secrets Manager endpoint when it is a local emulator (as for STS), else
botocore's own choice (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile, or the
default for the Region).
"""

from __future__ import annotations

from typing import Any

from .identity import IdentityCalls


class RegionalClients(IdentityCalls):
    _others: dict[tuple[str, str | None], Any]

    def client_for(self, service: str, region: str | None = None) -> Any:
        cache = self.__dict__.setdefault("_others", {})
        if (service, region) not in cache:
            with self.translate():
                cache[(service, region)] = self._make_other_client(service, region)
        return cache[(service, region)]

    def _make_other_client(self, service: str, region: str | None) -> Any:
        import botocore.session

        sm = self.client
        get_credentials = getattr(sm, "_get_credentials", None)  # botocore >= 1.31
        creds = get_credentials() if get_credentials else sm._request_signer._credentials
        frozen = creds.get_frozen_credentials() if creds is not None else None
        return botocore.session.Session(profile=self.settings.profile).create_client(
            service, region_name=region or sm.meta.region_name,
            endpoint_url=self._sts_endpoint(), config=self.client_config(),
            aws_access_key_id=frozen.access_key if frozen else None,
            aws_secret_access_key=frozen.secret_key if frozen else None,
            aws_session_token=frozen.token if frozen else None,
        )
