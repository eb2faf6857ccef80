"""AWS Lambda: the execution role of a rotation function (lambda:GetFunctionConfiguration)."""

from __future__ import annotations

from .. import errors
from .client import Connection

_NEEDS = ("Reading the rotation Lambda's execution role needs lambda:GetFunctionConfiguration "
          "on the function.")


def _region(function_arn: str) -> str | None:
    """The function's own Region (the Lambda client must be there)."""
    parts = function_arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else None


class LambdaCalls(Connection):
    def function_role(self, function_arn: str) -> str:
        """The ARN of the role the function runs as (and calls Secrets Manager as)."""
        try:
            with self.translate():
                client = self.sibling_client("lambda", _region(function_arn))
                config = client.get_function_configuration(FunctionName=function_arn)
        except errors.NotFoundError:
            raise errors.NotFoundError("the rotation Lambda function was not found.",
                                       "Check the ARN given to --lambda (and its Region)."
                                       ) from None
        except errors.AuthError as err:
            raise errors.AuthError(err.message, _NEEDS) from None
        return str(config.get("Role", ""))
