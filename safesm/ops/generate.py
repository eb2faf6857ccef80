"""Pure: passwords by Secrets Manager's GetRandomPassword rules, made locally.

The same options and defaults as GetRandomPassword (length 32; lower- and upper-case
letters, digits and its punctuation set; no space; at least one of each included type),
but generated in this process with the standard library's `secrets` module: the value
never crosses the network on its way to being stored, and no API call is spent on it.

Where the API is silent: characters removed by `exclude_chars` are removed from every
type, and a type left empty by them counts as excluded (it is not required).
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from ..errors import UsageError
from ..values import SecretValue

DEFAULT_LENGTH = 32
MAX_LENGTH = 4096  # GetRandomPassword's PasswordLength limit
# GetRandomPassword's punctuation: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~
PUNCTUATION = string.punctuation


@dataclass(frozen=True)
class PasswordRules:
    length: int = DEFAULT_LENGTH
    exclude_chars: str = ""
    punctuation: bool = True
    numbers: bool = True
    uppercase: bool = True
    lowercase: bool = True
    space: bool = False
    require_each: bool = True


def _keep(chars: str, excluded: str) -> str:
    return "".join(c for c in chars if c not in excluded)


def required_types(rules: PasswordRules) -> list[str]:
    """The included types, each as its characters left after `exclude_chars`; empty ones
    dropped. Space is never a required type (as in GetRandomPassword)."""
    wanted = ((rules.lowercase, string.ascii_lowercase), (rules.uppercase, string.ascii_uppercase),
              (rules.numbers, string.digits), (rules.punctuation, PUNCTUATION))
    types = [_keep(chars, rules.exclude_chars) for on, chars in wanted if on]
    return [t for t in types if t]


def alphabet(rules: PasswordRules) -> str:
    space = _keep(" ", rules.exclude_chars) if rules.space else ""
    return "".join(required_types(rules)) + space


def check(rules: PasswordRules) -> None:
    """Impossible combinations are refused before anything is generated (exit 2)."""
    if not 1 <= rules.length <= MAX_LENGTH:
        raise UsageError(f"--length must be from 1 to {MAX_LENGTH}.")
    if not alphabet(rules):
        raise UsageError("no characters are left to generate from: every type is excluded "
                         "(--no-* options and --exclude-chars).",
                         "Include at least one of letters, numbers or punctuation.")
    count = len(required_types(rules))
    if rules.require_each and rules.length < count:
        raise UsageError(f"--length is shorter than the {count} character types that must "
                         "each appear.",
                         f"Use --length {count} or more, or pass --no-require-each-type.")


def generate(rules: PasswordRules) -> SecretValue:
    """A new password: one character of each required type (unless not required), the
    rest from every included character, in an order shuffled by `secrets`."""
    check(rules)
    pool = alphabet(rules)
    chars = [secrets.choice(t) for t in required_types(rules)] if rules.require_each else []
    chars += [secrets.choice(pool) for _ in range(rules.length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return SecretValue("".join(chars).encode("ascii"))
