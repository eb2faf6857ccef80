"""credcache: expiry, back-end choice, the keyring-backed cache as botocore's fetcher uses it.

The keyring here is an in-memory stand-in (pure logic); the real Secret Service cases are
in tests/e2e/test_session.py.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.credentials import AssumeRoleCredentialFetcher, Credentials

from safesm import hardening
from safesm.aws import credcache
from safesm.config import Settings
from safesm.errors import AuthError, ExitCode
from safesm.redact import Redactor
from safesm.runtime import Environment, Runtime

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
SERIAL = "arn:aws:iam::123456789012:mfa/alice"
ROLE = "arn:aws:iam::123456789012:role/admin"


def response(expires: datetime, key: str = "SECRETKEY") -> dict:
    return {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": key,
                        "SessionToken": "TOKEN", "Expiration": expires},
        "AssumedRoleUser": {"Arn": "arn:aws:sts::123456789012:assumed-role/admin/s",
                            "AssumedRoleId": "AROA:s"},
        "ResponseMetadata": {"RequestId": "r"},
    }


class MemoryKeyring:
    """Stands in for a keyring back end: get/set/delete_password on a dict."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.items.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.items[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        del self.items[(service, user)]


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, user: str) -> str | None:
        raise RuntimeError("collection is locked")

    set_password = get_password  # type: ignore[assignment]


def cache_over(backend, notes: list[str] | None = None, fresh: bool = False,
               profile: str = "mfa", notify=None) -> credcache.KeyringCache:
    reason = None if backend is not None else "no keyring back end is available"
    notify = notify or (notes if notes is not None else []).append
    return credcache.KeyringCache(profile, notify, fresh=fresh,
                                  opener=lambda: (backend, reason))


# pure rules -------------------------------------------------------------------


def test_expired_and_unreadable_sessions_are_never_live():
    sessions = {
        "past": response(NOW - timedelta(seconds=1)),
        "now": response(NOW),
        "future": response(NOW + timedelta(minutes=30)),
        "garbage": {"Credentials": {"Expiration": "not a date"}},
        "missing": {"Credentials": {}},
    }
    assert list(credcache.live(sessions, NOW)) == ["future"]


def test_expiry_reads_botocore_and_json_forms():
    aware = NOW + timedelta(hours=1)
    assert credcache.expiry(response(aware)) == aware
    assert credcache.expiry(response("2030-01-01T13:00:00Z")) == aware  # type: ignore[arg-type]
    assert credcache.expiry(response("2030-01-01T13:00:00")) == aware  # type: ignore[arg-type]


def test_slim_keeps_what_botocore_needs_as_json():
    kept = credcache.slim(response(NOW))
    assert "ResponseMetadata" not in kept
    assert kept["Credentials"]["Expiration"] == NOW.isoformat()
    assert kept["AssumedRoleUser"] == {"Arn": "arn:aws:sts::123456789012:assumed-role/admin/s"}
    json.dumps(kept)


@pytest.mark.parametrize("text", [None, "", "not json", "[1]", '{"sessions": 3}'])
def test_unreadable_entries_count_as_empty(text):
    assert credcache.decode(text) == {}


def test_mfa_serial_comes_from_botocores_prompt():
    assert credcache.mfa_serial_from(f"Enter MFA code for {SERIAL}: ") == SERIAL
    assert credcache.mfa_serial_from("something else") == "your MFA device"


@pytest.mark.parametrize("cfg, expected", [
    ({"role_arn": ROLE, "source_profile": "base"}, True),
    ({"role_arn": ROLE, "web_identity_token_file": "/t"}, False),
    ({"aws_access_key_id": "AKIA"}, False),
    ({}, False),
])
def test_assumes_role_like_botocore(cfg, expected):
    assert credcache.assumes_role(cfg) is expected


def test_untrustworthy_backends_are_refused():
    from keyring.backends import fail, null
    from keyring.backends.SecretService import Keyring as SecretService
    from keyrings.alt.file import EncryptedKeyring, PlaintextKeyring

    assert "no keyring back end" in credcache.refusal(None)
    assert "no keyring back end" in credcache.refusal(fail.Keyring())
    assert "no keyring back end" in credcache.refusal(null.Keyring())
    for alt in (PlaintextKeyring(), object.__new__(EncryptedKeyring)):  # needs no crypto lib
        assert "keeps secrets in a file" in credcache.refusal(alt)
    assert credcache.refusal(SecretService()) is None


def test_open_keyring_never_autoselects_an_alt_backend(monkeypatch, tmp_path):
    """keyrings.alt is installed in the test venv: without a Secret Service it would win."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    backend, reason = credcache.open_keyring()
    assert backend is None
    assert "no keyring back end" in reason


# the cache as botocore uses it ------------------------------------------------------


def test_sessions_persist_through_the_keyring_not_the_process():
    backend = MemoryKeyring()
    writer = cache_over(backend)
    assert "k1" not in writer
    writer["k1"] = response(datetime.now(timezone.utc) + timedelta(hours=1))
    reader = cache_over(backend)
    assert "k1" in reader
    assert reader["k1"]["Credentials"]["SecretAccessKey"] == "SECRETKEY"
    assert json.loads(backend.items[(credcache.SERVICE, credcache.INDEX)]) == ["mfa"]


def test_an_expired_session_in_the_keyring_is_not_used():
    backend = MemoryKeyring()
    old = {"k1": credcache.slim(response(datetime.now(timezone.utc) - timedelta(seconds=1)))}
    backend.set_password(credcache.SERVICE, "mfa", credcache.encode(old))
    cache = cache_over(backend)
    assert "k1" not in cache
    with pytest.raises(KeyError):
        cache["k1"]


def test_writing_drops_expired_sessions_and_keeps_live_ones():
    backend = MemoryKeyring()
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    stored = {"old": credcache.slim(response(datetime.now(timezone.utc) - timedelta(hours=1))),
              "other": credcache.slim(response(soon))}
    backend.set_password(credcache.SERVICE, "mfa", credcache.encode(stored))
    cache_over(backend)["new"] = response(soon)
    kept = credcache.decode(backend.get_password(credcache.SERVICE, "mfa"))
    assert sorted(kept) == ["new", "other"]


def test_fresh_cache_ignores_what_is_stored_but_replaces_it():
    backend = MemoryKeyring()
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    cache_over(backend)["k1"] = response(soon, key="OLD")
    fresh = cache_over(backend, fresh=True)
    assert "k1" not in fresh
    fresh["k1"] = response(soon, key="NEW")
    assert cache_over(backend)["k1"]["Credentials"]["SecretAccessKey"] == "NEW"


def test_no_backend_caches_in_memory_and_says_so_once():
    """Two caches in one run (Secrets Manager and STS clients) share the run's notices."""
    err = io.StringIO()
    rt = Runtime(Settings(), Environment(stderr=err))
    first, second = cache_over(None, notify=rt.tell_once), cache_over(None, notify=rt.tell_once)
    first["k1"] = response(datetime.now(timezone.utc) + timedelta(hours=1))
    assert "k1" in first
    assert "k1" not in second  # nothing outlives the cache object
    notes = err.getvalue().splitlines()
    assert len(notes) == 1
    assert "not cached" in notes[0] and "no keyring back end" in notes[0]


def test_a_failing_keyring_turns_caching_off_without_failing():
    notes: list[str] = []
    cache = cache_over(BrokenKeyring(), notes)
    assert "k1" not in cache
    cache["k1"] = response(datetime.now(timezone.utc) + timedelta(hours=1))
    assert "k1" in cache
    assert len(notes) == 1 and "the keyring failed (RuntimeError)" in notes[0]
    assert "locked" not in notes[0]  # exception text is never shown


def test_login_refuses_before_asking_when_nothing_can_be_kept():
    with pytest.raises(AuthError) as err:
        cache_over(None).require_keyring()
    assert err.value.exit_code == ExitCode.AUTH
    assert "no keyring back end" in err.value.message


class FakeSTS:
    """The STS client botocore's fetcher calls; counts AssumeRole calls."""

    def __init__(self, expires_in: timedelta) -> None:
        self.calls: list[dict] = []
        self.expires_in = expires_in

    def __call__(self, *args, **kwargs):  # client_creator('sts', ...)
        return self

    def assume_role(self, **kwargs):
        self.calls.append(kwargs)
        return response(datetime.now(timezone.utc) + self.expires_in, key=f"K{len(self.calls)}")


def fetch(backend, sts: FakeSTS, codes: list[str]) -> dict:
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=sts, source_credentials=Credentials("AKIA", "x"), role_arn=ROLE,
        extra_args={"SerialNumber": SERIAL}, mfa_prompter=lambda prompt: codes.pop(0),
        cache=cache_over(backend))
    return fetcher.fetch_credentials()


def test_botocores_fetcher_reuses_the_keyring_session_across_processes():
    backend, sts = MemoryKeyring(), FakeSTS(timedelta(hours=1))
    codes = ["111111", "222222"]
    assert fetch(backend, sts, codes)["secret_key"] == "K1"
    assert fetch(backend, sts, codes)["secret_key"] == "K1"  # a new "process", no code asked
    assert len(sts.calls) == 1 and codes == ["222222"]
    assert sts.calls[0]["TokenCode"] == "111111"
    stored = credcache.decode(backend.get_password(credcache.SERVICE, "mfa"))
    assert "TokenCode" not in json.dumps(stored)


def test_botocore_asks_again_inside_its_expiry_window():
    """botocore refreshes 15 minutes early; a session that close to its end is not reused."""
    backend, sts = MemoryKeyring(), FakeSTS(timedelta(minutes=10))
    codes = ["111111", "222222"]
    fetch(backend, sts, codes)
    assert fetch(backend, sts, codes)["secret_key"] == "K2"
    assert codes == []


# the MFA prompt -------------------------------------------------------------------


def test_no_terminal_is_exit_4_naming_session_login():
    prompter = credcache.MfaPrompter("mfa", ask=lambda message, cancelled: None)
    with pytest.raises(AuthError) as err:
        prompter(f"Enter MFA code for {SERIAL}: ")
    assert err.value.exit_code == ExitCode.AUTH
    assert SERIAL in err.value.message
    assert "safesm session login --profile mfa" in err.value.hint


def test_mfa_prompt_names_profile_and_device_and_insists_on_six_digits():
    asked: list[str] = []
    answers = ["12345", "abcdef", " 654321 "]

    def ask(message: str, cancelled: str) -> str:
        asked.append(message)
        return answers.pop(0)

    assert credcache.MfaPrompter("mfa", ask=ask)(f"Enter MFA code for {SERIAL}: ") == "654321"
    assert asked[0] == f"MFA code for profile mfa ({SERIAL}): "
    assert all("not a 6-digit code" in m for m in asked[1:])


def test_three_bad_codes_give_up():
    prompter = credcache.MfaPrompter("mfa", ask=lambda message, cancelled: "nope")
    with pytest.raises(AuthError, match="no valid MFA code after 3 tries"):
        prompter(f"Enter MFA code for {SERIAL}: ")


# wiring into botocore --------------------------------------------------------------


def session_for(tmp_path, monkeypatch, profile: str):
    import botocore.session

    config = tmp_path / "config"
    config.write_text(f"[profile plain]\nregion = us-east-1\n\n[profile mfa]\nrole_arn = {ROLE}"
                      f"\nsource_profile = plain\nmfa_serial = {SERIAL}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    return botocore.session.Session(profile=profile)


def test_install_fills_the_assume_role_providers_hooks(tmp_path, monkeypatch):
    session = session_for(tmp_path, monkeypatch, "mfa")
    cache = credcache.install(session, print)
    provider = session.get_component("credential_provider").get_provider("assume-role")
    assert provider.cache is cache and isinstance(cache, credcache.KeyringCache)
    assert isinstance(provider._prompter, credcache.MfaPrompter)
    assert credcache.role_profiles(session) == ["mfa"]


def test_install_leaves_plain_profiles_alone(tmp_path, monkeypatch):
    session = session_for(tmp_path, monkeypatch, "plain")
    assert credcache.install(session, print) is None
    provider = session.get_component("credential_provider").get_provider("assume-role")
    assert not isinstance(provider.cache, credcache.KeyringCache)


def test_minutes_left_never_negative():
    item = credcache.CachedSession("mfa", "arn", NOW + timedelta(minutes=42, seconds=59))
    assert item.minutes_left(NOW) == 42
    assert item.minutes_left(NOW + timedelta(hours=2)) == 0


# --debug never shows what STS hands back ------------------------------------------


def test_debug_redaction_covers_sts_credentials():
    body = ("<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s3cr3t/key+</"
            "SecretAccessKey><SessionToken>tok==</SessionToken></Credentials>")
    text = Redactor().redact(body + "\nx-amz-security-token:tok==\n"
                                 "{'X-Amz-Security-Token': b'tok=='}")
    assert "s3cr3t" not in text and "tok==" not in text
    assert "ASIA1" in text  # the access key id is an identifier, not a secret
    scrubbed = hardening._scrub({"body": {"TokenCode": "908172", "RoleArn": ROLE}})
    assert scrubbed["body"]["TokenCode"] != "908172" and scrubbed["body"]["RoleArn"] == ROLE
