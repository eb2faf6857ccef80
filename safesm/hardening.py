"""Process hardening while a value is held, and a log filter that redacts values.

botocore's debug log prints whole request and response bodies, so ``--debug`` must
never reach stderr unfiltered: the filter rewrites each record's arguments (JSON
bodies lose their SecretString/SecretBinary) and then masks every value this
process has held, in the encodings a log line may show it in.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from .protect import protect_process
from .redact import Redactor
from .values import MASK

__all__ = ["RedactingFilter", "enable_debug_logging", "protect_process"]

_SENSITIVE_KEYS = {"SecretString", "SecretBinary", "SecretValues",
                   # STS AssumeRole (MFA role profiles): the MFA code and the temporary keys
                   "TokenCode", "SecretAccessKey", "SessionToken"}


def _scrub(obj: Any) -> Any:
    """Structurally remove secret fields from botocore's log arguments."""
    if isinstance(obj, dict):
        return {k: (MASK if k in _SENSITIVE_KEYS else _scrub(v)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_scrub(v) for v in obj)
    if hasattr(obj, "body") and hasattr(obj, "headers"):  # AWSPreparedRequest and kin
        return f"<{type(obj).__name__} {getattr(obj, 'method', '')} {getattr(obj, 'url', '')}>"
    if isinstance(obj, (bytes, bytearray, str)):
        raw = obj.encode("utf-8", "surrogatepass") if isinstance(obj, str) else bytes(obj)
        if b'"Secret' in raw:
            try:
                return json.dumps(_scrub(json.loads(raw)))
            except ValueError:
                return f"<{len(raw)} bytes withheld>"
        return obj
    return obj


class RedactingFilter(logging.Filter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            args = record.args
            if args:
                record.args = _scrub(args)
                message = record.getMessage()
            else:
                message = str(_scrub(record.msg))
        except Exception:  # a log line must never crash the command or leak via a traceback
            message = "<log line withheld>"
        record.msg, record.args = self.redactor.redact(message), None
        record.exc_info = record.exc_text = None
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now, so test runners that swap it see the log."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def enable_debug_logging(redactor: Redactor) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    for name in ("botocore", "urllib3", "safesm"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        for old in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.propagate = False
