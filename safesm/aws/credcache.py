"""Assumed-role sessions in the OS keyring, through botocore's own assume-role cache hook.

boto3 keeps assumed-role credentials only in memory, so every safesm process would ask
for a new MFA code; the AWS CLI avoids that by filling the assume-role provider's
``cache`` with a JSONFileCache (plaintext under ~/.aws/cli/cache). safesm fills the same
hook with ``KeyringCache``: one keyring entry per profile holding botocore's cache keys
(a hash of role, session name, MFA serial, duration, external id) and the temporary
credentials with their expiry. An expired entry is never handed back.

``keyring`` is imported only when the selected profile assumes a role, and only a
trustworthy back end is used: no back end, a fail/null one, or a file-based one
(keyrings.alt, anything "plaintext") turns caching off for the run, with one notice.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import AuthError, UsageError

Notify = Callable[[str], None]

SERVICE = "safesm assume-role session"
INDEX = "(profiles)"  # keyring entry listing profile names that have an entry; no credentials
MFA_CODE = re.compile(r"\d{6}")
MFA_ATTEMPTS = 3
_UNSET: Any = object()


# pure rules ----------------------------------------------------------------


def assumes_role(profile_config: dict[str, Any]) -> bool:
    """The test botocore's AssumeRoleProvider applies: role_arn, and not web identity."""
    return "role_arn" in profile_config and "web_identity_token_file" not in profile_config


def refusal(backend: Any) -> str | None:
    """Why a keyring back end must not hold credentials, or None when it may."""
    if backend is None:
        return "no keyring back end is available"
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if cls.__module__ in {"keyring.backends.fail", "keyring.backends.null"}:
        return "no keyring back end is available (no Secret Service, Keychain or Credential "\
               "Locker)"
    if cls.__module__.startswith("keyrings.alt") or "plaintext" in name.lower():
        return f"the keyring back end {name} keeps secrets in a file; safesm will not use it"
    return None


def expiry(response: dict[str, Any]) -> datetime | None:
    """When a cached AssumeRole response expires (aware datetime), None when unreadable."""
    raw = response.get("Credentials", {}).get("Expiration")
    if isinstance(raw, datetime):
        when = raw
    else:
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def live(sessions: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Only the sessions that have not expired: an expired entry is never used."""
    return {k: v for k, v in sessions.items() if (e := expiry(v)) is not None and e > now}


def slim(response: dict[str, Any]) -> dict[str, Any]:
    """What botocore needs back from the cache, JSON-ready (no response metadata)."""
    creds = dict(response["Credentials"])
    when = expiry(response)
    creds["Expiration"] = when.isoformat() if when else ""
    user = response.get("AssumedRoleUser") or {}
    return {"Credentials": creds, "AssumedRoleUser": {"Arn": user.get("Arn", "")}}


def decode(text: str | None) -> dict[str, Any]:
    """A keyring entry's sessions; anything unreadable counts as no session."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    sessions = data.get("sessions") if isinstance(data, dict) else None
    return sessions if isinstance(sessions, dict) else {}


def encode(sessions: dict[str, Any]) -> str:
    return json.dumps({"version": 1, "sessions": sessions}, sort_keys=True)


def mfa_serial_from(prompt: str) -> str:
    """botocore asks 'Enter MFA code for SERIAL: '; the serial names the device."""
    match = re.fullmatch(r"Enter MFA code for (.+?):\s*", prompt)
    return match.group(1) if match else "your MFA device"


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


# the keyring ---------------------------------------------------------------


def open_keyring() -> tuple[Any | None, str | None]:
    """A trustworthy keyring back end, or None and the reason there is none."""
    try:
        import keyring.core
        from keyring.backends.chainer import ChainerBackend

        # Auto-detection never considers refused back ends; a back end the user
        # configured explicitly (PYTHON_KEYRING_BACKEND, keyringrc.cfg) is checked below.
        keyring.core.init_backend(limit=lambda b: refusal(b) is None)
        backend: Any = keyring.core.get_keyring()
        if isinstance(backend, ChainerBackend):
            backend = next((b for b in backend.backends if refusal(b) is None), None)
    except Exception as exc:  # a broken keyring must never break the command
        return None, f"the keyring could not be loaded ({type(exc).__name__})"
    reason = refusal(backend)
    return (None, reason) if reason else (backend, None)


def _no_cache_notice(reason: str) -> str:
    return f"safesm: MFA sessions are not cached: {reason}; you will be asked for a code " \
           "on every run."


class KeyringCache:
    """The dict-like ``cache`` of botocore's AssumeRoleProvider, kept in the OS keyring.

    botocore calls ``key in cache``, ``cache[key]`` and ``cache[key] = response`` with its
    own cache key. Keyring failures never fail the command: caching turns off for the
    run (one notice) and the session lives in memory, as botocore's default dict would.
    """

    def __init__(self, profile: str, notify: Callable[[str], None], fresh: bool = False,
                 opener: Callable[[], tuple[Any | None, str | None]] = open_keyring) -> None:
        self.profile = profile
        self._notify = notify
        self._fresh = fresh  # `session login`: ignore what is cached, store what comes back
        self._opener = opener
        self._backend: Any = _UNSET
        self._reason: str | None = None
        self._sessions: dict[str, Any] | None = None

    def __contains__(self, key: object) -> bool:
        return key in self._live()

    def __getitem__(self, key: str) -> dict[str, Any]:
        return copy.deepcopy(self._live()[key])

    def __setitem__(self, key: str, response: dict[str, Any]) -> None:
        self._sessions = {**self._live(), key: slim(response)}
        backend = self.backend
        if backend is not None:
            self._guard(lambda: backend.set_password(SERVICE, self.profile,
                                                     encode(self._sessions or {})))
            self._guard(lambda: _index_update(backend, add=[self.profile]))

    @property
    def backend(self) -> Any:
        if self._backend is _UNSET:
            self._backend, self._reason = self._opener()
            if self._reason:
                self._notify(_no_cache_notice(self._reason))
        return self._backend

    def require_keyring(self) -> None:
        """For `session login`: fail before asking for a code that could not be kept."""
        if self.backend is None:
            raise AuthError(f"cannot keep an MFA session: {self._reason}.",
                            "Commands still work; they ask for the MFA code on every run.")

    def sessions(self) -> dict[str, Any]:
        """The live sessions, e.g. to report what `session login` stored."""
        return copy.deepcopy(self._live())

    def _live(self) -> dict[str, Any]:
        if self._sessions is None:
            stored = None
            if not self._fresh and self.backend is not None:
                backend = self.backend
                stored = self._guard(lambda: backend.get_password(SERVICE, self.profile))
            self._sessions = decode(stored)
        return live(self._sessions, now_utc())

    def _guard(self, action: Callable[[], Any]) -> Any:
        if self._backend in (None, _UNSET):
            return None
        try:
            return action()
        except Exception as exc:  # locked, dismissed, D-Bus gone: cache off, run on
            self._backend = None
            self._reason = f"the keyring failed ({type(exc).__name__})"
            self._notify(_no_cache_notice(self._reason))
            return None


def _index_update(backend: Any, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    names = set(_index(backend))
    new = (names | set(add)) - set(remove)
    if new != names:
        backend.set_password(SERVICE, INDEX, json.dumps(sorted(new)))


def _index(backend: Any) -> list[str]:
    try:
        names = json.loads(backend.get_password(SERVICE, INDEX) or "[]")
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


# the MFA prompt --------------------------------------------------------------


class MfaPrompter:
    """botocore's ``mfa_prompter``: a hidden prompt on the terminal naming profile and device.

    With no terminal there is no one to ask: exit 4 with how to start a session
    interactively, instead of hanging a script on a read.
    """

    def __init__(self, profile: str,
                 ask: Callable[[str, str], str | None] | None = None) -> None:
        self.profile = profile
        self._ask = ask

    def __call__(self, botocore_prompt: str) -> str:
        serial = mfa_serial_from(botocore_prompt)
        ask = self._ask or _ask_on_terminal
        message = f"MFA code for profile {self.profile} ({serial}): "
        for _ in range(MFA_ATTEMPTS):
            code = ask(message, "no session was started")
            if code is None:
                raise AuthError(
                    f"profile {self.profile!r} needs an MFA code ({serial}), there is no "
                    "cached session and no terminal to ask on.",
                    f"Run `safesm session login --profile {self.profile}` in a terminal, "
                    "then retry.")
            if MFA_CODE.fullmatch(code.strip()):
                return code.strip()
            message = f"That is not a 6-digit code. MFA code for profile {self.profile}: "
        raise AuthError(f"no valid MFA code after {MFA_ATTEMPTS} tries; no session was "
                        "started.")


def _ask_on_terminal(message: str, cancelled: str) -> str | None:
    from ..prompt import ask_on_terminal

    return ask_on_terminal(message, cancelled)


# wiring into a botocore session ---------------------------------------------


def selected_profile(session: Any) -> str:
    """The profile botocore's credential chain will use (as create_credential_resolver)."""
    return session.get_config_variable("profile") or "default"


def role_profiles(session: Any) -> list[str]:
    """Profiles in the AWS config that assume a role."""
    profiles = session.full_config.get("profiles", {})
    return sorted(name for name, cfg in profiles.items() if assumes_role(cfg))


def install(session: Any, notify: Notify, fresh: bool = False) -> KeyringCache | None:
    """Give a role profile's assume-role provider the keyring cache and the MFA prompt.

    Returns None (and imports nothing) when the selected profile does not assume a role.
    """
    profile = selected_profile(session)
    if not assumes_role(session.full_config.get("profiles", {}).get(profile, {})):
        return None
    from ..hardening import protect_process

    protect_process()  # temporary credentials and the MFA code are held from here on
    provider = session.get_component("credential_provider").get_provider("assume-role")
    cache = KeyringCache(profile, notify, fresh=fresh)
    provider.cache = cache  # the hook the AWS CLI fills with its plaintext JSONFileCache
    provider._prompter = MfaPrompter(profile)  # botocore's only way in: a constructor arg
    return cache


# what the `session` commands do ----------------------------------------------


@dataclass(frozen=True)
class CachedSession:
    """A cached session as `session status` shows it: never the credentials."""

    profile: str
    role: str
    expires: datetime

    def minutes_left(self, now: datetime) -> int:
        return max(0, int((self.expires - now).total_seconds() // 60))


def summaries(profile: str, sessions: dict[str, Any]) -> list[CachedSession]:
    out = []
    for response in sessions.values():
        when = expiry(response)
        if when is not None:
            out.append(CachedSession(profile, response.get("AssumedRoleUser", {}).get("Arn", ""),
                                     when))
    return sorted(out, key=lambda s: s.expires)


def configured_profiles(session: Any) -> list[str]:
    return sorted(session.full_config.get("profiles", {}))


def not_a_role_profile(session: Any, profile: str) -> UsageError:
    """A profile is named only when it is in the AWS config: a name that is not there is
    text typed on the command line (or in AWS_PROFILE), which is never echoed."""
    roles = ", ".join(role_profiles(session)) or "none"
    if profile not in configured_profiles(session):
        return UsageError("the selected profile (--profile or AWS_PROFILE) is not in the AWS "
                          "config; there is no session to start.",
                          f"Profiles that assume a role: {roles}.")
    return UsageError(f"profile {profile!r} does not assume a role (no role_arn); there is "
                      "no session to start.", f"Profiles that assume a role: {roles}.")


def login(session: Any, notify: Notify) -> list[CachedSession]:
    """Assume the selected profile's role now (asking for the code) and keep the session."""
    profile = selected_profile(session)
    cache = install(session, notify, fresh=True)
    if cache is None:
        raise not_a_role_profile(session, profile)
    cache.require_keyring()
    credentials = session.get_credentials()
    if credentials is None or getattr(credentials, "method", "") != "assume-role":
        raise UsageError(f"credentials from the environment take precedence over profile "
                         f"{profile!r}.", "Pass --profile explicitly.")
    credentials.get_frozen_credentials()
    return summaries(profile, cache.sessions())


def status(session: Any, notify: Notify) -> list[CachedSession]:
    """Live cached sessions of every profile that has one (index and AWS config)."""
    configured = role_profiles(session)
    backend = _backend_or_notice(notify)
    if backend is None:
        return []
    now = now_utc()
    out: list[CachedSession] = []
    with _keyring_errors():
        for profile in sorted(set(_index(backend)) | set(configured)):
            stored = decode(backend.get_password(SERVICE, profile))
            out.extend(summaries(profile, live(stored, now)))
    return out


def clear(session: Any, profiles: list[str] | None, notify: Notify) -> list[str]:
    """Forget the sessions of `profiles` (None: all); the profiles that had an entry."""
    configured = role_profiles(session) if profiles is None else []
    backend = _backend_or_notice(notify)
    if backend is None:
        return []
    cleared = []
    with _keyring_errors():
        if profiles is None:
            profiles = sorted(set(_index(backend)) | set(configured))
        for profile in profiles:
            if backend.get_password(SERVICE, profile) is not None:
                backend.delete_password(SERVICE, profile)
                cleared.append(profile)
        _index_update(backend, remove=profiles)
    return cleared


@contextmanager
def _keyring_errors() -> Iterator[None]:
    """A keyring that fails mid-command (locked, D-Bus gone) is a clear error, not a bug."""
    try:
        yield
    except Exception as exc:
        raise AuthError(f"the keyring failed ({type(exc).__name__}).",
                        "Unlock your keyring (or check the Secret Service) and retry.") from None


def _backend_or_notice(notify: Notify) -> Any:
    backend, reason = open_keyring()
    if backend is None and reason:
        notify(f"safesm: no session is cached: {reason}.")
    return backend
