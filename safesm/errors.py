"""Exit codes and the SafesmError hierarchy.

Every failure a user can meet is raised as a SafesmError subclass and turned into a
message and an exit code in exactly one place (``cli.run``). This module must not
import botocore: AWS exceptions are recognised by class name and by the duck-typed
``response`` dict, so that the mapping costs nothing at startup.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar


class ExitCode(enum.IntEnum):
    """The one exit-code table (mirrored in the README and the man page)."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    NOT_FOUND = 3
    AUTH = 4
    CONFLICT = 5
    UNREACHABLE = 6
    INVALID_VALUE = 7
    POLICY = 8
    CLIPBOARD = 9
    CANNOT_RUN = 126
    COMMAND_NOT_FOUND = 127
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.UNEXPECTED: "unexpected error (a bug: report it)",
    ExitCode.USAGE: "usage error, including a value passed on argv",
    ExitCode.NOT_FOUND: "secret (or version, or field) not found",
    ExitCode.AUTH: "no credentials, or access denied",
    ExitCode.CONFLICT: "conflict: not confirmed (answered no, or a script without "
    "--yes/--force), scheduled for deletion, changed concurrently, a rotation unfinished "
    "or managed by another service",
    ExitCode.UNREACHABLE: "service unreachable, or throttled after retries",
    ExitCode.INVALID_VALUE: "invalid value: empty, too large, not UTF-8 without --binary, "
    "not JSON for --field",
    ExitCode.POLICY: "policy refused: broad/public access, a policy that would deny the "
    "rotation Lambda, or lint findings at or above --fail-on; findings of history scan, "
    "scan, or audit at or above --fail-on",
    ExitCode.CLIPBOARD: "clipboard unavailable",
    ExitCode.CANNOT_RUN: "exec: the command was found but could not be run (as env(1))",
    ExitCode.COMMAND_NOT_FOUND: "exec: the command was not found (as env(1))",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitCode.TERMINATED: "terminated (SIGTERM)",
}


class SafesmError(Exception):
    """Base of every expected failure. ``message``, ``hint`` and ``details`` never hold a
    value."""

    exit_code: ClassVar[ExitCode] = ExitCode.UNEXPECTED

    def __init__(self, message: str, hint: str | None = None,
                 details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details  # printed before the message (e.g. the findings)

    def __setattr__(self, key: str, value: Any) -> None:
        """Errors are built, never changed: a caller that wants another text makes a new
        error (raise X(...) from None), so what was raised is what is reported."""
        if key in self.__dict__ or key == "exit_code":
            raise AttributeError(f"{type(self).__name__}.{key} is set once")
        super().__setattr__(key, value)


class UsageError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.USAGE


class ArgvValueError(UsageError):
    """A value (or something that looks like one) was given on the command line."""


class NotFoundError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.NOT_FOUND


class AuthError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.AUTH


class ConflictError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.CONFLICT


class UnreachableError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.UNREACHABLE


class ThrottledError(UnreachableError):
    """The service kept throttling after botocore's retries: callers that make many calls
    (audit, trail) back off and try again before giving up."""


class InvalidValueError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.INVALID_VALUE


class PolicyError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.POLICY


class ClipboardError(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.CLIPBOARD


class CannotRun(SafesmError):
    """`exec`: the command exists but could not be started (not executable, bad format)."""

    exit_code: ClassVar[ExitCode] = ExitCode.CANNOT_RUN


class CommandNotFound(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.COMMAND_NOT_FOUND


class InterruptedError_(SafesmError):
    exit_code: ClassVar[ExitCode] = ExitCode.INTERRUPTED


class TerminatedError(SafesmError):
    """SIGTERM arrived at a point that has more to say than 'terminated' (a write)."""

    exit_code: ClassVar[ExitCode] = ExitCode.TERMINATED


class NotConfirmed(ConflictError):
    """The one rule for confirmations: a person who answered no, and a script that did not
    pass --yes/--force, both exit 5 (conflict) with nothing changed."""


class FindingsError(PolicyError):
    """Findings at or above the threshold (policy lint, history scan, audit, scan): exit 8.
    What was found has been printed; the message sums it up."""


def invalid_option(option: str, form: str, hint: str | None = None) -> UsageError:
    """A rejected option value, described by the form it needs; never the text given
    (argv may hold a secret pasted into the wrong place)."""
    return UsageError(f"invalid value for {option}: {form}; the text given is not shown.", hint)


class Terminated(BaseException):  # noqa: N818 (a signal, like KeyboardInterrupt)
    """SIGTERM arrived. Raised from the signal handler so that the stack unwinds as for
    Ctrl-C (finally blocks remove temporary files) and cli.run() exits 143 in one line.
    A BaseException, so that no `except Exception` on the way can swallow it."""


class CommandExited(BaseException):  # noqa: N818 (an outcome, not an error)
    """`exec --mask`: the command has ended, and safesm exits with its exit code (128+N
    when signal N ended it). Not an error: cli.run turns it into that code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


HISTORY_HINT = (
    "The text you typed is probably in your shell history now: remove it with "
    "`safesm history scrub` (or `history -d N` in bash, then `history -w`)."
)

_AUTH_CODES = {
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "UnauthorizedOperation",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "DecryptionFailure",
    "KMSAccessDeniedException",
}
_THROTTLE_CODES = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalServiceError",
    "InternalFailure",
}
_CREDENTIAL_CLASSES = {
    "NoCredentialsError": "no AWS credentials found",
    "PartialCredentialsError": "the AWS credentials are incomplete",
    "ProfileNotFound": "the AWS profile was not found",
    "SSOTokenLoadError": "the SSO session has expired or was never started",
    "UnauthorizedSSOTokenError": "the SSO session has expired",
    "TokenRetrievalError": "the SSO token could not be refreshed",
    "CredentialRetrievalError": "the credential process failed",
    "InvalidConfigError": "the AWS configuration is invalid",
}
_NETWORK_CLASSES = {
    "EndpointConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ConnectionClosedError",
    "ProxyConnectionError",
    "SSLError",
    "HTTPClientError",
}
_CREDENTIALS_HINT = (
    "Configure credentials (`aws configure`, `aws sso login`, or AWS_PROFILE) and try again."
)


def _client_error_parts(exc: Exception) -> tuple[str, str]:
    response: Any = getattr(exc, "response", None) or {}
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    return str(error.get("Code", "")), str(error.get("Message", ""))


def from_aws_code(code: str, text: str, what: str) -> SafesmError:
    """An error code reported inside a successful response (e.g. BatchGetSecretValue)."""
    return _from_client_error(code, text, None, what)


def _from_client_error(code: str, text: str, name: str | None,
                       what: str | None = None) -> SafesmError:
    if code == "ResourceNotFoundException":  # the name as typed is never echoed: it may be
        return NotFoundError(f"{what or 'the secret'} was not found.",  # a mistyped value
                             "Check the name with `safesm list`.")
    what = what or (f"secret {name!r}" if name else "the secret")
    if code in _AUTH_CODES:
        hint = "Check your credentials and the secret's resource policy."
        if "Expired" in code:
            hint = "Your credentials have expired: refresh them (`aws sso login`) and retry."
        return AuthError(f"access denied ({code}).", hint)
    if code == "ResourceExistsException":
        return ConflictError(f"{what} already exists.", "Pass --force to overwrite it.")
    if code == "InvalidRequestException" and "delet" in text.lower():
        return ConflictError(
            f"{what} is scheduled for deletion.",
            f"Run `safesm restore {name or 'NAME'}` to bring it back first.",
        )
    if code in _THROTTLE_CODES:
        return ThrottledError(
            f"Secrets Manager is throttling or unavailable ({code}) after retries.",
            "Wait a moment and try again.",
        )
    if code in {"MalformedPolicyDocumentException", "PublicPolicyException"}:
        return PolicyError(f"policy refused ({code}): {text}")
    if code in {"InvalidParameterException", "ValidationException"}:
        return UsageError(f"Secrets Manager rejected the request ({code}): {text}")
    if code == "InvalidRequestException":
        return ConflictError(f"Secrets Manager refused the request: {text}")
    return SafesmError(f"Secrets Manager answered {code or 'an error'}: {text}")


def from_aws(exc: Exception, name: str | None = None, endpoint: str | None = None,
             timeouts: tuple[float, float, int] | None = None) -> SafesmError:
    """Translate a botocore exception into a SafesmError, recognising it by class name.
    `timeouts` (connect, read, attempts) are named when the network failed."""
    cls = type(exc).__name__
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:  # botocore ClientError
        code, text = _client_error_parts(exc)
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
        if isinstance(status, int) and status >= 500 and code not in _THROTTLE_CODES:
            where = endpoint or "the Secrets Manager endpoint"
            return UnreachableError(
                f"{where} answered HTTP {status}"
                + (f" ({code})" if code and code != str(status) else "") + " after retries.",
                "The service is having trouble: wait a moment and try again.",
            )
        return _from_client_error(code, text, name)
    if cls in _CREDENTIAL_CLASSES:
        return AuthError(_CREDENTIAL_CLASSES[cls] + ".", _CREDENTIALS_HINT)
    if cls in {"ConfigParseError", "ConfigNotFound"}:
        return UsageError("the AWS config file could not be read.",
                          "Check AWS_CONFIG_FILE / ~/.aws/config (it must be INI syntax).")
    if cls == "NoRegionError":
        return UsageError("no AWS region is set.", "Pass --region or set AWS_REGION.")
    if cls in _NETWORK_CLASSES:
        where = endpoint or "the Secrets Manager endpoint"
        bound = ""
        if timeouts:
            connect, read, attempts = timeouts
            bound = (f", {attempts} attempt(s) with a {connect:g} s connect and {read:g} s "
                     "read timeout")
        return UnreachableError(
            f"could not reach {where} ({cls}){bound}.",
            "Check the network, --endpoint-url and --region, then try again.",
        )
    return SafesmError(f"unexpected AWS error ({cls}).")
