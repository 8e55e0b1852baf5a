"""moto extension: a Copilot application's CloudFormation as AWS runs it.

moto 5 lacks or loosens what a Copilot application's pipelines depend on. Importing this
module (the moto launcher does, when a test names it) makes the running server behave as
AWS does here:

- StackSet instances of a SELF_MANAGED StackSet (Copilot's `APP-infrastructure`) are real
  stacks in their account and region, named `StackSet-NAME-UUID` as AWS names them (moto
  names them `StackSet:NAME`, which no bucket name derived from it accepts), and
  ListStackInstances reports those stacks' ids (moto reports ids of stacks that do not exist)
  and honours StackInstanceAccount and StackInstanceRegion;
- a TemplateBody over 51,200 bytes is refused (CreateStack, UpdateStack, CreateChangeSet,
  ValidateTemplate), and a TemplateURL object over 1 MB, with AWS's ValidationError;
- a change set's Modify changes say whether the resource is replaced (`Replacement`),
  from the create-only properties of the resource type's schema (cfn-lint's copy of the
  CloudFormation registry schemas): moto reports no replacement at all;
- a stack's tags are applied to the IAM roles it creates and updates, as CloudFormation
  propagates stack-level tags, and an executed change set's tags become the stack's;
- a KMS key made by CloudFormation answers GetKeyPolicy with its policy as JSON text, as AWS
  does (moto answers the template's object);
- a CREATE change set for a stack left REVIEW_IN_PROGRESS (by a CREATE change set never
  executed) is that stack's, as in AWS, and the stack's earlier change sets stay usable: moto
  made a second stack of the same name beside it, and executing the first change set then
  failed with a KeyError (HTTP 500); executing one deletes the stack's others, and a change set
  that does not exist is AWS's ChangeSetNotFound (HTTP 404);
- a nested stack (AWS::CloudFormation::Stack) whose template declares a `Transform` (a macro)
  is made only when the change set that makes it acknowledged CAPABILITY_AUTO_EXPAND: moto
  checks no capability. AWS fails the nested stack's resource with "Requires capabilities :
  [CAPABILITY_AUTO_EXPAND]"; here ExecuteChangeSet answers InsufficientCapabilitiesException
  with those words (moto runs the change set within the call and has no rollback);
- DescribeStackResources names every resource's logical ID and type, as AWS does (both are
  required in its answer): moto leaves them out for the resource types it does not model.
"""

import json
import threading
import uuid
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack, StackInstance, cloudformation_backends
from moto.cloudformation.utils import get_stack_from_s3_url
from moto.cloudformation.responses import CloudFormationResponse, StackResourceDTO
from moto.core.responses import ActionResult
from moto.iam.models import Role, iam_backends
from moto.kms.models import KmsBackend
from moto.utilities.utils import get_partition

TEMPLATE_BODY_LIMIT = 51_200
TEMPLATE_URL_LIMIT = 1_048_576


# MARK: StackSet instances as real stacks

_moto_instance_init = StackInstance.__init__


def _instance_init(self: StackInstance, account_id: str, region_name: str, stackset_id: str, stack_name: str, name: str,
                   template: str, parameters: Any, permission_model: str) -> None:
    if permission_model != "SELF_MANAGED":
        return _moto_instance_init(self, account_id, region_name, stackset_id, stack_name, name, template, parameters,
                                   permission_model)
    self.account_id, self.region_name, self.stackset_id = account_id, region_name, stackset_id
    self.stack_name, self.name, self.template = stack_name, name, template
    self.parameters = parameters or []
    self.permission_model = permission_model
    params = parameters if isinstance(parameters, dict) else {p["ParameterKey"]: p["ParameterValue"] for p in self.parameters}
    self.stack = cloudformation_backends[account_id][region_name].create_stack(
        name=f"StackSet-{name}-{uuid.uuid4()}", template=template, parameters=params)


def _instance_to_dict(self: StackInstance) -> dict[str, Any]:
    return {"StackId": self.stack.stack_id, "StackSetId": self.stackset_id, "Region": self.region_name,
            "Account": self.account_id, "Status": "CURRENT", "ParameterOverrides": self.parameters,
            "StackInstanceStatus": {"DetailedStatus": "SUCCEEDED"}}


StackInstance.__init__ = _instance_init
StackInstance.to_dict = _instance_to_dict


def _list_stack_instances(self: CloudFormationResponse) -> str:
    instances = self.cloudformation_backend.list_stack_instances(self._get_param("StackSetName"))
    account, region = self._get_param("StackInstanceAccount"), self._get_param("StackInstanceRegion")
    summaries = [i for i in instances if account in (None, i["Account"]) and region in (None, i["Region"])]
    return ActionResult({"Summaries": summaries})


CloudFormationResponse.list_stack_instances = _list_stack_instances


# MARK: template size limits

def _refuse_oversized(self: CloudFormationResponse) -> None:
    body = self._get_param("TemplateBody")
    if body is not None and len(body.encode()) > TEMPLATE_BODY_LIMIT:
        raise ValidationError(message="1 validation error detected: Value at 'templateBody' failed to satisfy constraint: "
                                      f"Member must have length less than or equal to {TEMPLATE_BODY_LIMIT}")
    url = self._get_param("TemplateURL")
    if url is not None and len(self._get_stack_from_s3_url(url).encode()) > TEMPLATE_URL_LIMIT:
        raise ValidationError(message=f"Template may not exceed {TEMPLATE_URL_LIMIT} bytes in size.")


def _limited(operation):
    def checked(self: CloudFormationResponse):
        _refuse_oversized(self)
        return operation(self)
    checked.__name__ = operation.__name__
    return checked


for _name in ("create_stack", "update_stack", "create_change_set", "validate_template"):
    setattr(CloudFormationResponse, _name, _limited(getattr(CloudFormationResponse, _name)))


# MARK: replacement in change sets

def _create_only(resource_type: str) -> list[str]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:  # a type cfn-lint does not know: nothing is known to replace it
        return []
    return [path.removeprefix("/properties/") for path in schema.get("createOnlyProperties", [])]


def _property(properties: dict[str, Any], path: str) -> Any:
    value: Any = properties
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


_moto_diff = ChangeSet.diff


def _diff_with_replacement(self: ChangeSet) -> list:
    changes = _moto_diff(self)
    old_resources = self.stack.resource_map._resource_json_map
    new_resources = self.template_dict.get("Resources", {})
    for change in changes:
        if change.action != "Modify":
            continue
        old = old_resources.get(change.logical_resource_id, {})
        new = new_resources.get(change.logical_resource_id, {})
        replaced = old.get("Type") != new.get("Type") or any(
            _property(old.get("Properties", {}), path) != _property(new.get("Properties", {}), path)
            for path in _create_only(change.resource_type))
        change.replacement = "True" if replaced else "False"
    return changes


ChangeSet.diff = _diff_with_replacement


# MARK: stack tags on the roles a stack makes

def _tag_roles(stack: Any) -> None:
    if not stack.tags:
        return
    iam = iam_backends[stack.account_id][get_partition(stack.region_name)]
    for resource in list(stack.resource_map._parsed_resources.values()):
        if isinstance(resource, Role):
            iam.tag_role(resource.name, [{"Key": key, "Value": value} for key, value in stack.tags.items()])


_moto_create_stack = CloudFormationBackend.create_stack
_moto_execute_change_set = CloudFormationBackend.execute_change_set


def _create_stack(self: CloudFormationBackend, *args: Any, **kwargs: Any):
    stack = _moto_create_stack(self, *args, **kwargs)
    _tag_roles(stack)
    return stack


class ChangeSetNotFoundException(CloudFormationError):
    code = "ChangeSetNotFoundException"
    # moto finds an error's service model from the module its class is defined in.
    __module__ = CloudFormationError.__module__

    def __init__(self, name: str):
        super().__init__(f"ChangeSet [{name}] does not exist")


def _find_change_set(self: CloudFormationBackend, name: str, stack_name: str | None) -> ChangeSet | None:
    """By ARN, or by name within the stack named (a name is unique per stack, not per region)."""
    if name in self.change_sets:
        return self.change_sets[name]
    return next((cs for cs in self.change_sets.values()
                 if cs.change_set_name == name and (stack_name is None or stack_name in (cs.stack_name, cs.stack_id))), None)


def _execute_change_set(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = _find_change_set(self, change_set_name, stack_name)
    if change_set is None or change_set.stack_id not in self.stacks:
        raise ChangeSetNotFoundException(change_set_name)
    _moto_execute_change_set(self, change_set.change_set_id, stack_name)
    stack = self.stacks[change_set.stack_id]
    if change_set.tags:
        stack.tags = dict(change_set.tags)
    _tag_roles(stack)
    # As CloudFormation does: executing a change set deletes the stack's other change sets.
    for other_id, other in list(self.change_sets.items()):
        if other.stack_id == change_set.stack_id and other_id != change_set.change_set_id:
            del self.change_sets[other_id]


_moto_create_change_set = CloudFormationBackend.create_change_set


def _create_change_set(self: CloudFormationBackend, stack_name: str, *args: Any, change_set_type: str, **kwargs: Any):
    """A CREATE change set on a stack left REVIEW_IN_PROGRESS (by an earlier CREATE change set never
    executed) belongs to that stack, as in CloudFormation: moto made a second stack of the same name,
    which the first's change sets then pointed past. Its earlier change sets stay usable."""
    waiting = next((stack for stack in self.stacks.values()
                    if stack.name == stack_name and stack.status == "REVIEW_IN_PROGRESS"), None)
    if change_set_type != "CREATE" or waiting is None:
        return _moto_create_change_set(self, stack_name, *args, change_set_type=change_set_type, **kwargs)
    change_set_id, made_id = _moto_create_change_set(self, stack_name, *args, change_set_type=change_set_type, **kwargs)
    del self.stacks[made_id]
    change_set = self.change_sets[change_set_id]
    change_set.stack, change_set.stack_id = waiting, waiting.stack_id
    return change_set_id, waiting.stack_id


CloudFormationBackend.create_change_set = _create_change_set
CloudFormationBackend.create_stack = _create_stack
CloudFormationBackend.execute_change_set = _execute_change_set


# MARK: key policies as text

_moto_get_key_policy = KmsBackend.get_key_policy


def _get_key_policy(self: KmsBackend, key_id: str) -> str:
    policy = _moto_get_key_policy(self, key_id)
    return policy if isinstance(policy, str) else json.dumps(policy)


KmsBackend.get_key_policy = _get_key_policy


# MARK: macros in nested stacks need CAPABILITY_AUTO_EXPAND

AUTO_EXPAND = "CAPABILITY_AUTO_EXPAND"


class InsufficientCapabilities(CloudFormationError):
    code = "InsufficientCapabilitiesException"
    __module__ = "moto.cloudformation.exceptions"  # moto finds an error's service by its module


# The capabilities of the change set being executed, for the nested stacks it makes.
_executing = threading.local()
_moto_create_change_set_call = CloudFormationResponse.create_change_set


def _create_change_set_call(self: CloudFormationResponse):
    answer = _moto_create_change_set_call(self)
    name, stack_name = self._get_param("ChangeSetName"), self._get_param("StackName")
    for change_set in self.cloudformation_backend.change_sets.values():
        if change_set.change_set_name == name and stack_name in (change_set.stack_name, change_set.stack_id):
            change_set.sluice_capabilities = list(self._get_param("Capabilities", []) or [])
    return answer


CloudFormationResponse.create_change_set = _create_change_set_call
_execute_change_set_with_tags = CloudFormationBackend.execute_change_set


def _execute_change_set_acknowledged(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = _find_change_set(self, change_set_name, stack_name)
    _executing.capabilities = getattr(change_set, "sluice_capabilities", [])
    try:
        _execute_change_set_with_tags(self, change_set_name, stack_name)
    finally:
        _executing.capabilities = None


CloudFormationBackend.execute_change_set = _execute_change_set_acknowledged
_moto_nested_stack = Stack.create_from_cloudformation_json.__func__


def _nested_stack(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
                  **kwargs: Any) -> Stack:
    capabilities = getattr(_executing, "capabilities", None)
    if capabilities is not None and AUTO_EXPAND not in capabilities:
        body = get_stack_from_s3_url(cloudformation_json["Properties"]["TemplateURL"], account_id=account_id,
                                     partition=get_partition(region_name))
        if "Transform" in (Stack.parse_template(body) or {}):
            raise InsufficientCapabilities(f"Requires capabilities : [{AUTO_EXPAND}]")
    return _moto_nested_stack(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


Stack.create_from_cloudformation_json = classmethod(_nested_stack)


# MARK: every stack resource has its logical ID and type


def _describe_stack_resources(self: CloudFormationResponse) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    wanted = self._get_param("LogicalResourceId")
    listed = []
    for name, definition in stack.resource_map._resource_json_map.items():
        if wanted not in (None, name):
            continue
        resource = stack.resource_map[name]
        if resource is None and "Condition" in definition:
            continue  # a resource whose condition is false is not made
        listed.append(StackResourceDTO(stack, resource))
        listed[-1].logical_resource_id, listed[-1].resource_type = name, definition.get("Type")
    return ActionResult({"StackResources": listed})


CloudFormationResponse.describe_stack_resources = _describe_stack_resources
