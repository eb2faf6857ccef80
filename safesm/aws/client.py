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

T = TypeVar("T")
Notify = Callable[[str], None]
USER_AGENT = f"safesm/{__version__}"
# Calls that change nothing: every other Secrets Manager call tells a running agent to
# forget the secret it names (safesm/agent), whichever command made it.
READ_ONLY_CALLS = frozenset({
    "GetSecretValue", "BatchGetSecretValue", "DescribeSecret", "ListSecrets",
    "ListSecretVersionIds", "GetResourcePolicy", "ValidateResourcePolicy", "GetRandomPassword",
})


def _stderr(message: str) -> None:
    import sys

    sys.stderr.write(message + "\n")


def botocore_session(settings: Settings, notify: Notify = _stderr) -> Any:
    """A botocore session for the selected profile; a role profile gets the keyring-backed
    session cache and the terminal MFA prompt (credcache imports keyring only then)."""
    import botocore.session

    from . import credcache
    from .loader import data_loader

    session = botocore.session.Session(profile=settings.profile)
    session.register_component("data_loader",
                               data_loader(session.get_config_variable("data_path")))
    credcache.install(session, notify)
    return session


class Connection:
    """Settings, the lazily made Secrets Manager client, and error translation."""

    user_agent = USER_AGENT  # the agent's store adds safesm-agent/VERSION

    def __init__(self, settings: Settings, connect_timeout: float | None = None,
                 read_timeout: float | None = None, max_attempts: int | None = None,
                 redactor: Redactor | None = None, notify: Notify = _stderr) -> None:
        self.settings = settings
        self.timeouts = (connect_timeout or settings.connect_timeout,
                         read_timeout or settings.read_timeout,
                         max_attempts or settings.max_attempts)
        self.redactor = redactor or Redactor()
        self.notify = notify
        self._client: Any = None

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
        events = client.meta.events
        events.register("provide-client-params.secrets-manager", _note_secret_ids)
        events.register("after-call.secrets-manager", self._after_call)
        events.register("after-call-error.secrets-manager", self._after_call)
        return client

    def _after_call(self, event_name: str = "", context: Any = None, **_: Any) -> None:
        """After every write (landed, refused or lost on the way), a running agent drops
        the secret: the one door every command's writes go through."""
        if event_name.rsplit(".", 1)[-1] in READ_ONLY_CALLS or not context:
            return
        from ..agent.client import invalidate

        invalidate(self.settings, context.get("safesm_ids", ()))

    def client_config(self) -> Any:
        """Explicit timeouts and attempts, the same for every client safesm makes."""
        from botocore.config import Config

        connect_timeout, read_timeout, max_attempts = self.timeouts
        return Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                      retries={"mode": "standard", "total_max_attempts": max_attempts},
                      user_agent_extra=self.user_agent)

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
            raise errors.from_aws(exc, name=name, endpoint=self.endpoint,
                                  timeouts=self.timeouts) from None


def _note_secret_ids(params: Any = None, context: Any = None, **_: Any) -> None:
    """Remember which secret a call names, for _after_call (the response may not say)."""
    if isinstance(params, dict) and isinstance(context, dict):
        context["safesm_ids"] = [str(params[k]) for k in ("SecretId", "Name") if params.get(k)]


def with_botocore_session(settings: Settings, action: Callable[[Any], T],
                          notify: Notify = _stderr) -> T:
    """Run `action` on a plain botocore session (`safesm session`), errors translated."""
    import botocore.session

    with Connection(settings, notify=notify).translate():
        return action(botocore.session.Session(profile=settings.profile))
