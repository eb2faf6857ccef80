"""Every AWS failure the commands can meet maps to the documented exit code."""

from __future__ import annotations

import botocore.exceptions as bx
import pytest

from safesm.errors import EXIT_CODE_MEANINGS, ExitCode, from_aws


def client_error(code: str, message: str = "m") -> Exception:
    return bx.ClientError({"Error": {"Code": code, "Message": message}}, "GetSecretValue")


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (client_error("ResourceNotFoundException"), ExitCode.NOT_FOUND),
        (client_error("AccessDeniedException"), ExitCode.AUTH),
        (client_error("ExpiredTokenException"), ExitCode.AUTH),
        (client_error("UnrecognizedClientException"), ExitCode.AUTH),
        (client_error("DecryptionFailure"), ExitCode.AUTH),
        (client_error("ResourceExistsException"), ExitCode.CONFLICT),
        (client_error("InvalidRequestException",
                      "You can't perform this operation on the secret because it was marked "
                      "for deletion."), ExitCode.CONFLICT),
        (client_error("ThrottlingException"), ExitCode.UNREACHABLE),
        (client_error("InternalServiceError"), ExitCode.UNREACHABLE),
        (client_error("MalformedPolicyDocumentException"), ExitCode.POLICY),
        (client_error("PublicPolicyException"), ExitCode.POLICY),
        (client_error("InvalidParameterException"), ExitCode.USAGE),
        (bx.NoCredentialsError(), ExitCode.AUTH),
        (bx.PartialCredentialsError(provider="env", cred_var="x"), ExitCode.AUTH),
        (bx.ProfileNotFound(profile="p"), ExitCode.AUTH),
        (bx.SSOTokenLoadError(error_msg="x"), ExitCode.AUTH),
        (bx.TokenRetrievalError(provider="sso", error_msg="x"), ExitCode.AUTH),
        (bx.NoRegionError(), ExitCode.USAGE),
        (bx.ConfigParseError(path="~/.aws/config"), ExitCode.USAGE),
        (bx.EndpointConnectionError(endpoint_url="http://x"), ExitCode.UNREACHABLE),
        (bx.ConnectTimeoutError(endpoint_url="http://x"), ExitCode.UNREACHABLE),
        (bx.ReadTimeoutError(endpoint_url="http://x"), ExitCode.UNREACHABLE),
    ],
)
def test_mapping(exc, code):
    assert from_aws(exc, name="db/prod", endpoint="http://e").exit_code == code


def test_deletion_hint_names_restore():
    err = from_aws(client_error("InvalidRequestException", "marked for deletion"), name="db/x")
    assert "safesm restore db/x" in err.hint


def test_unreachable_names_the_endpoint():
    err = from_aws(bx.EndpointConnectionError(endpoint_url="http://e"), endpoint="http://e:1")
    assert "http://e:1" in err.message


def test_every_code_has_a_meaning():
    assert set(EXIT_CODE_MEANINGS) == set(ExitCode)
