"""AWS Lambda: the execution role of a rotation function (lambda:GetFunctionConfiguration)."""

from __future__ import annotations

from .. import errors
from .regional import RegionalClients

_NEEDS = ("Reading the rotation Lambda's execution role needs lambda:GetFunctionConfiguration "
          "on the function.")


class LambdaCalls(RegionalClients):
    def function_role(self, function_arn: str) -> str:
        """The ARN of the role the function runs as (and calls Secrets Manager as)."""
        try:
            with self.translate():
                config = self.client_for("lambda").get_function_configuration(
                    FunctionName=function_arn)
        except errors.NotFoundError:
            raise errors.NotFoundError("the rotation Lambda function was not found.",
                                       "Check the ARN given to --lambda (and its Region)."
                                       ) from None
        except errors.AuthError as err:
            raise errors.AuthError(err.message, _NEEDS) from None
        return str(config.get("Role", ""))
