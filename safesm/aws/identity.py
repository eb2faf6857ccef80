"""Who is calling: STS GetCallerIdentity with the Secrets Manager client's credentials."""

from __future__ import annotations

from typing import Any

from .client import Connection

_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov",
              ".sc2s.sgov.gov")


class IdentityCalls(Connection):
    def _sts_endpoint(self) -> str | None:
        """A local emulator (moto, LocalStack) serves STS on the Secrets Manager endpoint;
        a real AWS endpoint (e.g. a VPC endpoint) does not, so then botocore decides
        (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile, or the default)."""
        from urllib.parse import urlparse

        url = self.settings.endpoint_url
        host = (urlparse(url).hostname or "") if url else ""
        return url if host and not host.endswith(_AWS_HOSTS) else None

    def _make_sts_client(self) -> Any:
        """STS with the Secrets Manager client's own credentials, region and timeouts, so
        that a profile's MFA or SSO step is never asked for twice."""
        import botocore.session

        sm = self.client
        get_credentials = getattr(sm, "_get_credentials", None)  # botocore >= 1.31
        creds = get_credentials() if get_credentials else sm._request_signer._credentials
        frozen = creds.get_frozen_credentials() if creds is not None else None
        return botocore.session.Session(profile=self.settings.profile).create_client(
            "sts", region_name=sm.meta.region_name, endpoint_url=self._sts_endpoint(),
            config=self.client_config(),
            aws_access_key_id=frozen.access_key if frozen else None,
            aws_secret_access_key=frozen.secret_key if frozen else None,
            aws_session_token=frozen.token if frozen else None,
        )

    def caller_arn(self) -> str:
        """Who is calling, as STS GetCallerIdentity says (a session ARN for roles)."""
        with self.translate():
            return str(self._make_sts_client().get_caller_identity()["Arn"])
