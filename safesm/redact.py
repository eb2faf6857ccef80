"""Masking the values a run has held, in any text (log lines): the Redactor.

Kept apart from hardening.py so that the Runtime can own a Redactor without importing
logging at startup.
"""

from __future__ import annotations

import re

from .values import MASK, SecretValue

_KEY_RE = re.compile(r'("Secret(?:String|Binary)"\s*:\s*)"(?:[^"\\]|\\.)*"?')
_XML_RE = re.compile(r"(<(SecretAccessKey|SessionToken)>)[^<]*(</\2>)")  # STS response bodies
_TOKEN_RE = re.compile(r"""(x-amz-security-token['"]?\s*[:=]\s*b?['"]?)[^'"\s,}]+""", re.I)


def _forms(raw: bytes) -> set[str]:
    import base64
    import json

    text = raw.decode("utf-8", "backslashreplace")
    forms = {text, repr(raw)[2:-1], base64.b64encode(raw).decode()}
    dumped = json.dumps(text)[1:-1]
    forms |= {dumped, repr(dumped.encode())[2:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    return {f for f in forms if len(f) >= 4}


class Redactor:
    """The values one run has held, and the masking of them in any text (per run, not
    per process, so in-process runs and tests never share what they held)."""

    def __init__(self) -> None:
        self._held: list[bytes] = []

    def remember(self, value: SecretValue) -> SecretValue:
        """Register a value so the log filter masks it wherever it shows up."""
        if len(value) >= 4:
            self._held.append(value.reveal())
        return value

    def redact(self, text: str) -> str:
        """Mask held values and anything keyed as a secret in a JSON-ish text."""
        text = _KEY_RE.sub(lambda m: m.group(1) + f'"{MASK}"', text)
        text = _XML_RE.sub(lambda m: m.group(1) + MASK + m.group(3), text)
        text = _TOKEN_RE.sub(lambda m: m.group(1) + MASK, text)
        for raw in self._held:
            for form in sorted(_forms(raw), key=len, reverse=True):
                text = text.replace(form, MASK)
        return text


