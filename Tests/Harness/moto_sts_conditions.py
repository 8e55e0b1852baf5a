"""moto extension: AssumeRole and AssumeRoleWithWebIdentity honour the role's trust policy.

moto 5 issues credentials for any role without looking at its trust policy. AWS refuses the
call unless the policy's conditions hold; this extension checks the two the credential tests
rely on, for roles that exist in moto's IAM:
- `"Bool": {"aws:MultiFactorAuthPresent": "true"}`: SerialNumber and a 6-digit TokenCode are required;
- `"StringEquals": {"sts:ExternalId": X}`: ExternalId must be X.
AssumeRoleWithWebIdentity also requires a non-empty WebIdentityToken, and is accepted unsigned
as AWS accepts it (moto with signature checking on would fail it with a 500 for lacking an
Authorization header). A refusal is AccessDenied
(HTTP 403), as STS answers.
"""
import json
import re

from moto.sts.exceptions import STSClientError
from moto.iam.models import iam_backends
from moto.sts.responses import TokenResponse


def AccessDenied(message):
    # moto names the service of an error by its class's module, so the class is moto's own.
    return STSClientError("AccessDenied", message)


def _trust_conditions(role_arn):
    match = re.match(r"arn:([^:]+):iam::(\d+):role/(?:.*/)?([^/]+)$", role_arn or "")
    if not match:
        return {}
    partition, account, name = match.groups()
    try:
        role = iam_backends[account][partition].get_role(name)
    except Exception:
        return {}
    document = role.assume_role_policy_document
    if isinstance(document, str):
        document = json.loads(document)
    conditions = {}
    for statement in document.get("Statement", []):
        for operator, pairs in (statement.get("Condition") or {}).items():
            for key, value in pairs.items():
                conditions[key] = value
    return conditions


def _check(response):
    conditions = _trust_conditions(response._get_param("RoleArn"))
    if str(conditions.get("aws:MultiFactorAuthPresent", "")).lower() == "true":
        serial, code = response._get_param("SerialNumber"), response._get_param("TokenCode") or ""
        if not serial or not re.fullmatch(r"\d{6}", code):
            raise AccessDenied("MultiFactorAuthentication failed: the role requires an MFA code (SerialNumber and TokenCode)")
    if "sts:ExternalId" in conditions and response._get_param("ExternalId") != conditions["sts:ExternalId"]:
        raise AccessDenied("Not authorized to perform sts:AssumeRole: ExternalId does not match")


_assume_role = TokenResponse.assume_role
_assume_role_with_web_identity = TokenResponse.assume_role_with_web_identity


def assume_role(self):
    _check(self)
    return _assume_role(self)


def assume_role_with_web_identity(self):
    if not self._get_param("WebIdentityToken"):
        raise AccessDenied("WebIdentityToken is required")
    _check(self)
    return _assume_role_with_web_identity(self)


_authenticate = TokenResponse._authenticate_and_authorize_normal_action


def authenticate(self, *args, **kwargs):
    if self._get_action() == "AssumeRoleWithWebIdentity":
        return None  # the token is the proof
    return _authenticate(self, *args, **kwargs)


TokenResponse._authenticate_and_authorize_normal_action = authenticate
TokenResponse.assume_role = assume_role
TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity
