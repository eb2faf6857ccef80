"""The debug-log filter removes values from botocore's log records."""

from __future__ import annotations

import json
import logging
import resource

from safesm import hardening
from safesm.redact import Redactor
from safesm.values import SecretValue


def record(msg, *args, name="botocore.parsers"):
    return logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, None)


REDACTOR = Redactor()


def filtered(rec, redactor: Redactor = REDACTOR) -> str:
    assert hardening.RedactingFilter(redactor).filter(rec)
    return rec.getMessage()


def test_response_body_loses_secret_string():
    body = json.dumps({"Name": "a", "SecretString": 'tricky "quote" \\ canary-x1'}).encode()
    out = filtered(record("Response body:\n%r", body))
    assert "canary-x1" not in out and "tricky" not in out
    assert '"Name": "a"' in out


def test_binary_and_batch_values_are_removed():
    body = json.dumps({"SecretValues": [{"Name": "a", "SecretString": "canary-x2"}],
                       "SecretBinary": "Y2FuYXJ5"}).encode()
    out = filtered(record("Response body:\n%r", body))
    assert "canary-x2" not in out and "Y2FuYXJ5" not in out


def test_request_params_dict_is_scrubbed():
    params = {"url": "http://x", "body": json.dumps({"SecretId": "a",
                                                     "SecretString": "canary-x3"}).encode()}
    out = filtered(record("Making request for %s with params: %s", "op", params,
                          name="botocore.endpoint"))
    assert "canary-x3" not in out and "http://x" in out


def test_held_values_are_masked_in_any_text():
    redactor = Redactor()
    redactor.remember(SecretValue(b"canary-held\n\"z"))
    out = filtered(record("free text canary-held\\n\\\"z and %s", b"canary-held\n\"z"),
                   redactor)
    assert "canary-held" not in out


def test_held_values_belong_to_one_run():
    """Per-run state: what one run held is not masked (or kept) by another."""
    first, second = Redactor(), Redactor()
    first.remember(SecretValue(b"canary-run-one"))
    assert "canary-run-one" not in first.redact("x canary-run-one y")
    assert second.redact("x canary-run-one y") == "x canary-run-one y"


def test_unparseable_body_with_secret_key_is_withheld():
    out = filtered(record("body %s", b'{"SecretString": "canary-x4" broken'))
    assert "canary-x4" not in out


def test_protect_process_disables_core_dumps():
    hardening.protect_process()
    assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
    import ctypes

    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE
