"""The botocore client and error translation: the base every AWS call in safesm stands on.

A plain botocore session and client are used rather than boto3: the same credential
chain, profiles, SSO, retries and endpoint resolution, without importing boto3's
resource layer and s3transfer on every run. Every botocore exception leaves this
package as a SafesmError.

Timeouts and attempts come from Settings (SAFESM_CONNECT_TIMEOUT, SAFESM_READ_TIMEOUT,
SAFESM_MAX_ATTEMPTS or the config file; defaults in config.py) and are always set
explicitly, with botocore's "standard" retry mode: transient errors (connection refused
or dropped, timeouts, HTTP 500/502/503/504) back off 0-50 ms x 2^n, throttling 0-1 s x 2^n.
A retry resends the same serialized request, so a write's ClientRequestToken is reused
and Secrets Manager stores the value once even when the first attempt did land.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .. import __version__, errors
from ..config import Settings
from ..redact import Redactor
from .progress import SlowCallNotice

T = TypeVar("T")
Notify = Callable[[str], None]
USER_AGENT = f"safesm/{__version__}"
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov",
              ".sc2s.sgov.gov")


def _stderr(message: str) -> None:
    import sys

    sys.stderr.write(message + "\n")


def botocore_session(settings: Settings, notify: Notify = _stderr) -> Any:
    """A botocore session for the selected profile; a role profile gets the keyring-backed
    session cache and the terminal MFA prompt (credcache imports keyring only then)."""
    import botocore.session

    from . import credcache

    session = botocore.session.Session(profile=settings.profile)
    credcache.install(session, notify)
    return session


class Connection:
    """Settings, the lazily made Secrets Manager client, and error translation."""

    def __init__(self, settings: Settings, connect_timeout: float | None = None,
                 read_timeout: float | None = None, max_attempts: int | None = None,
                 redactor: Redactor | None = None, notify: Notify = _stderr,
                 progress: Notify | None = None) -> None:
        """`progress`: where to say that a slow call is still waiting (the CLI passes one
        only when stderr is a terminal); None says nothing."""
        self.settings = settings
        self.timeouts = (connect_timeout or settings.connect_timeout,
                         read_timeout or settings.read_timeout,
                         max_attempts or settings.max_attempts)
        self.redactor = redactor or Redactor()
        self.notify = notify
        self._client: Any = None
        self._slow: SlowCallNotice | None = None
        if progress is not None:
            self._slow = SlowCallNotice(progress, lambda: self.endpoint, self.timeouts[2])
        self._siblings: dict[str, Any] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            with self.translate():
                self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        session = botocore_session(self.settings, self.notify)
        client = session.create_client(
            "secretsmanager",
            region_name=self.settings.region,
            endpoint_url=self.settings.endpoint_url,
            config=self.client_config(),
        )
        client.meta.events.register("before-parse.secrets-manager", self._check_answer)
        if self._slow is not None:
            self._slow.install(client.meta.events)
        return client

    def _check_answer(self, response_dict: dict[str, Any], **_: Any) -> None:
        """Before botocore parses an answer: one that is not Secrets Manager's JSON (a web
        server's HTML page, a 404 or 501) stops here, instead of ending as "not found", "the
        service is having trouble" or an empty value."""
        status = int(response_dict.get("status_code") or 0)
        headers = response_dict.get("headers") or {}
        if looks_like_secrets_manager(status, headers, response_dict.get("body") or b""):
            return
        source = self.settings.sources.get("endpoint_url")
        hint = (f"Check {source}: it must name a Secrets Manager endpoint "
                "(https://secretsmanager.REGION.amazonaws.com, a VPC endpoint, or an emulator)."
                if source else "Something other than AWS answered (a proxy or captive portal?): "
                "check the network and HTTPS_PROXY.")
        kind = "".join(c for c in headers.get("content-type") or "" if c.isprintable())[:60]
        raise errors.UnreachableError(
            f"{self.endpoint or 'the endpoint'} answered HTTP {status} ({kind or 'no type'}): "
            "this does not look like Secrets Manager.", hint)

    def client_config(self) -> Any:
        """Explicit timeouts and attempts, the same for every client safesm makes."""
        from botocore.config import Config

        connect_timeout, read_timeout, max_attempts = self.timeouts
        return Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                      retries={"mode": "standard", "total_max_attempts": max_attempts},
                      user_agent_extra=USER_AGENT)

    def _sibling_endpoint(self) -> str | None:
        """A local emulator (moto, LocalStack) serves every service on the Secrets Manager
        endpoint; a real AWS endpoint (e.g. a VPC endpoint) does not, so then botocore
        decides (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile, the default)."""
        from urllib.parse import urlparse

        url = self.settings.endpoint_url
        host = (urlparse(url).hostname or "") if url else ""
        return url if host and not host.endswith(_AWS_HOSTS) else None

    def sibling_client(self, service: str, region: str | None = None) -> Any:
        """Another service's client (STS, KMS, CloudTrail, Lambda), or Secrets Manager in
        another Region (a replica's), with the Secrets Manager client's own credentials,
        timeouts and user agent, so a profile's MFA or SSO step is never asked for twice.
        Made once per service and Region."""
        key = f"{service}@{region or ''}"
        if key not in self._siblings:
            import botocore.session

            sm = self.client
            get_credentials = getattr(sm, "_get_credentials", None)  # botocore >= 1.31
            creds = get_credentials() if get_credentials else sm._request_signer._credentials
            frozen = creds.get_frozen_credentials() if creds is not None else None
            with self.translate():
                self._siblings[key] = botocore.session.Session(
                    profile=self.settings.profile).create_client(
                    service, region_name=region or sm.meta.region_name,
                    endpoint_url=self._sibling_endpoint(), config=self.client_config(),
                    aws_access_key_id=frozen.access_key if frozen else None,
                    aws_secret_access_key=frozen.secret_key if frozen else None,
                    aws_session_token=frozen.token if frozen else None)
        return self._siblings[key]

    @property
    def endpoint(self) -> str | None:
        client = self._client
        return client.meta.endpoint_url if client is not None else self.settings.endpoint_url

    @contextmanager
    def translate(self, name: str | None = None) -> Iterator[None]:
        """botocore and urllib3 exceptions become SafesmErrors; anything else passes."""
        try:
            yield
        except errors.SafesmError:
            raise
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in {"botocore", "urllib3"}:
                raise
            from .profiles import profile_error

            raise (profile_error(type(exc).__name__, self.settings)
                   or errors.from_aws(exc, name=name, endpoint=self.endpoint,
                                      timeouts=self.timeouts)) from None
        finally:
            if self._slow is not None:  # the call is over: no "still waiting" after it
                self._slow.ended()


_RETRIED = {500, 502, 503, 504}  # botocore retries these; they stay "the service's trouble"


def looks_like_secrets_manager(status: int, headers: Any, body: bytes) -> bool:
    """Secrets Manager always answers with a JSON object, and its errors carry an error
    type (the body's __type or the x-amzn-ErrorType header)."""
    import json

    if status in _RETRIED:
        return True
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        return False
    if not isinstance(doc, dict):
        return False
    return status < 300 or bool(doc.get("__type") or doc.get("code")
                                or headers.get("x-amzn-errortype"))


def with_botocore_session(settings: Settings, action: Callable[[Any], T],
                          notify: Notify = _stderr) -> T:
    """Run `action` on a plain botocore session (`safesm session`), errors translated."""
    import botocore.session

    with Connection(settings, notify=notify).translate():
        return action(botocore.session.Session(profile=settings.profile))
