"""moto extension: CodePipeline pipelines from CloudFormation, and their executions.

moto 5 ignores AWS::CodePipeline::Pipeline in templates and lacks the execution
operations. Importing this module (the moto launcher does, when a test names it)
adds both to the running moto server:

- a CloudFormation model for AWS::CodePipeline::Pipeline that creates, updates and
  deletes the pipeline in moto's CodePipeline backend; creating one starts an
  execution, as AWS does (and one for AWS::CodeStarConnections::Connection, whose
  Ref the pipeline's policies need), and stack outputs refreshed by ExecuteChangeSet;
- GetPipelineState, StartPipelineExecution, ListPipelineExecutions,
  GetPipelineExecution, PutApprovalResult and StopPipelineExecution;
- CreatePipeline accepting a trust policy's Principal.Service as a list, as IAM does;
- CodeStar Connections' CreateConnection, ListConnections and GetConnection (signatures
  checked by moto's IAM), over the connections CreateConnection and stacks make. A new
  connection is PENDING, as AWS leaves it until a person completes its handshake in the
  console: here that person does so SLUICE_MOTO_CONNECTION_SECONDS (default 0) after it was
  made, and it is AVAILABLE from then on. A Source action whose connection is not AVAILABLE
  when it ends fails, as CodePipeline's does;
- RetryStageExecution (FAILED_ACTIONS) of a failed execution's failed stage: its failed
  actions run again, and the execution goes on from there.
- a CodeBuild build for every CodeBuild action that runs (its id is the action's
  externalExecutionId; BatchGetBuilds answers it), writing its output as log events
  to /aws/codebuild/PROJECT in moto's CloudWatch Logs: the first lines when the action
  starts, the rest when it ends. Actions named in SLUICE_MOTO_FAILING_ACTIONS (comma-
  separated, ACTION or STAGE/ACTION) fail, their build FAILED with a failing log.

An execution moves through the pipeline's stages in order; within a stage, actions
run in groups of equal runOrder. Every action but an approval succeeds after
SLUICE_MOTO_ACTION_SECONDS (default 0.3) seconds; an approval waits, InProgress with
a token, until PutApprovalResult answers it (Rejected fails the execution). State
advances lazily when a request reads it, so no thread runs in the background.
Starting an execution supersedes the ones still in progress (AWS supersedes at
stage boundaries; here it is immediate, which keeps one execution moving).
Timestamps are epoch seconds, as AWS sends them.
"""

import hashlib
import json
import os
import threading
import time
import uuid
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend
from moto.codepipeline.exceptions import PipelineNotFoundException
from moto.codepipeline.models import CodePipelineBackend, codepipeline_backends
from moto.codebuild.responses import CodeBuildResponse
from moto.codepipeline.responses import CodePipelineResponse
from moto.logs.models import logs_backends
from moto.logs.responses import LogsResponse
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import JsonRESTError
from moto.iam.models import iam_backends
from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend

ACTION_SECONDS = float(os.environ.get("SLUICE_MOTO_ACTION_SECONDS", "0.3"))


def _names(text: str) -> set[str]:
    return {name.strip() for name in text.split(",") if name.strip()}


# Changed at run time by POST /sluice-moto/failing-actions (a test "fixing" what made an action fail).
FAILING_ACTIONS = _names(os.environ.get("SLUICE_MOTO_FAILING_ACTIONS", ""))
CONNECTION_SECONDS = float(os.environ.get("SLUICE_MOTO_CONNECTION_SECONDS", "0"))
_lock = threading.RLock()


class _Error(JsonRESTError):
    code = 400

    def __init__(self, error_type: str, message: str):
        super().__init__(error_type, message)


class ActionRun:
    """One action of one execution."""

    def __init__(self, stage: str, action: dict[str, Any]):
        self.stage = stage
        self.declaration = action
        self.name: str = action["name"]
        self.category: str = action["actionTypeId"]["category"]
        self.provider: str = action["actionTypeId"]["provider"]
        # moto creates no CodeBuild project from the template, so the Ref is gone: a stand-in name.
        self.project: str = (action.get("configuration") or {}).get("ProjectName") or f"{stage}-{self.name}"
        self.connection: str | None = (action.get("configuration") or {}).get("ConnectionArn")
        self.build_id: str | None = None
        self.run_order: int = int(action.get("runOrder", 1))
        self.status: str | None = None  # None: not reached yet
        self.started: float | None = None
        self.finished: float | None = None
        self.summary: str | None = None
        self.token: str | None = None
        self.updated_by: str | None = None
        self.id = str(uuid.uuid4())

    @property
    def is_approval(self) -> bool:
        return self.category == "Approval"

    def state(self) -> dict[str, Any] | None:
        if self.status is None:
            return None
        latest: dict[str, Any] = {
            "actionExecutionId": self.id,
            "status": self.status,
            "lastStatusChange": self.finished or self.started,
        }
        if self.summary:
            latest["summary"] = self.summary
        if self.token and self.status == "InProgress":
            latest["token"] = self.token
        if self.updated_by:
            latest["lastUpdatedBy"] = self.updated_by
        if self.status == "Failed":
            latest["errorDetails"] = {"code": "JobFailed", "message": self.summary or "Failed"}
        if self.build_id:
            latest["externalExecutionId"] = self.build_id
            latest["externalExecutionUrl"] = f"https://console.aws.amazon.com/codebuild/home#/builds/{self.build_id}/view/new"
        return latest

    @property
    def fails(self) -> bool:
        return self.name in FAILING_ACTIONS or f"{self.stage}/{self.name}" in FAILING_ACTIONS

    def detail(self, execution: "Execution") -> dict[str, Any]:
        """This attempt as ListActionExecutions describes it."""
        result: dict[str, Any] = {}
        if self.summary:
            result["externalExecutionSummary"] = self.summary
        if self.build_id:
            result["externalExecutionId"] = self.build_id
        if self.status == "Failed":
            result["errorDetails"] = {"code": "JobFailed", "message": self.summary or "Failed"}
        detail: dict[str, Any] = {
            "pipelineExecutionId": execution.id, "actionExecutionId": self.id,
            "pipelineVersion": execution.pipeline_version, "stageName": self.stage, "actionName": self.name,
            "startTime": self.started, "lastUpdateTime": self.finished or self.started, "status": self.status,
            "input": {"actionTypeId": self.declaration["actionTypeId"],
                      "configuration": self.declaration.get("configuration", {})},
            "output": {"executionResult": result},
        }
        if self.updated_by:
            detail["updatedBy"] = self.updated_by
        return detail

    def failure(self, at: float) -> str | None:
        """Why the action fails when it ends at `at`; None when it succeeds."""
        if self.connection and _connection_status(self.connection, at) != "AVAILABLE":
            return (f"Connection {self.connection} is not available. The connection is in the "
                    f"{_connection_status(self.connection, at)} state. Update it in the console, then retry the stage.")
        return "Build terminated with state: FAILED" if self.fails else None


class Execution:
    """One run of a pipeline, advanced lazily by `advance`."""

    def __init__(self, pipeline: dict[str, Any], trigger: str, number: int, account_id: str, region: str,
                 trigger_detail: str = "", rollback_of: "Execution | None" = None, only_stage: str | None = None):
        self.id = str(uuid.uuid4())
        self.account_id, self.region = account_id, region
        self.pipeline_name: str = pipeline["name"]
        self.pipeline_version: int = pipeline["version"]
        self.trigger = trigger
        self.trigger_detail = trigger_detail
        self.rollback_of = rollback_of.id if rollback_of else None
        self.stop_reason: str | None = None
        # A V2 pipeline's variables as this execution resolved them (GetPipelineExecution's `variables`).
        self.variables: list[dict[str, str]] = []
        # Earlier attempts of actions a retry ran again, for ListActionExecutions.
        self.earlier: list[ActionRun] = []
        self.started = time.time()
        self.updated = self.started
        self.status = "InProgress"
        self.status_summary: str | None = None
        source = pipeline["stages"][0]["actions"][0]
        configuration = source.get("configuration", {})
        branch = configuration.get("BranchName") or configuration.get("Branch") or "main"
        self.source_action: str = source["name"]
        self.revision = hashlib.sha1(f"{self.pipeline_name}/{number}".encode()).hexdigest()
        self.revision_summary = f"Change {number} on {branch}"
        if rollback_of:
            self.revision, self.revision_summary = rollback_of.revision, rollback_of.revision_summary
        self.stages: list[tuple[str, list[list[ActionRun]]]] = []
        for stage in pipeline["stages"]:
            if only_stage and stage["name"] != only_stage:
                continue
            runs = [ActionRun(stage["name"], action) for action in stage["actions"]]
            orders = sorted({run.run_order for run in runs})
            self.stages.append((stage["name"], [[r for r in runs if r.run_order == o] for o in orders]))
        self.stage_index = 0
        self.group_index = 0
        self.group_start = self.started

    def runs(self):
        for _, groups in self.stages:
            for group in groups:
                yield from group

    def find(self, stage: str, action: str) -> ActionRun | None:
        return next((r for r in self.runs() if r.stage == stage and r.name == action), None)

    def reached(self, stage: str) -> bool:
        return any(r.status is not None for r in self.runs() if r.stage == stage)

    def stage_status(self, stage: str) -> str:
        runs = [r for r in self.runs() if r.stage == stage]
        if any(r.status == "Failed" for r in runs):
            return "Failed"
        if all(r.status == "Succeeded" for r in runs):
            return "Succeeded"
        if self.status in ("Stopped", "Superseded"):
            return "Stopped"
        if self.status == "Stopping":
            return "Stopping"
        return "InProgress"

    def finish(self, status: str, at: float, summary: str | None = None) -> None:
        self.status = status
        self.updated = at
        self.status_summary = summary
        for run in self.runs():
            if run.status == "InProgress" and status != "Failed":
                run.status = "Abandoned"
                run.finished = at

    def advance(self, now: float) -> None:
        while self.status in ("InProgress", "Stopping"):
            _, groups = self.stages[self.stage_index]
            group = groups[self.group_index]
            if self.status == "Stopping" and not any(run.status == "InProgress" for run in group):
                # Stop and wait: what was running has finished; nothing after it starts.
                self.finish("Stopped", max([self.updated] + [r.finished or 0 for r in group]))
                return
            for run in group:
                if run.status is None and self.status == "Stopping":
                    continue
                if run.status is None:
                    run.status, run.started = "InProgress", self.group_start
                    self.updated = self.group_start
                    if run.is_approval:
                        run.token = str(uuid.uuid4())
                    elif run.category == "Source":
                        run.summary = self.revision_summary
                    if run.provider == "CodeBuild":
                        _start_build(self, run)
                if run.status == "InProgress" and not run.is_approval and now >= run.started + ACTION_SECONDS:
                    run.finished = run.started + ACTION_SECONDS
                    failure = run.failure(run.finished)
                    run.status = "Failed" if failure else "Succeeded"
                    if failure:
                        run.summary = failure
                    if run.build_id:
                        _finish_build(self, run)
                    self.updated = run.finished
            if any(run.status == "InProgress" or (run.status is None and self.status != "Stopping") for run in group):
                return
            if self.status == "Stopping":
                continue
            done = max(run.finished for run in group)
            failed = next((run for run in group if run.status == "Failed"), None)
            if failed:
                self.finish("Failed", done, f"{failed.stage}/{failed.name}: {failed.summary or 'failed'}")
                return
            self.group_start = done
            self.group_index += 1
            if self.group_index == len(groups):
                self.stage_index, self.group_index = self.stage_index + 1, 0
                if self.stage_index == len(self.stages):
                    self.finish("Succeeded", done)
                    return

    def summary(self) -> dict[str, Any]:
        return {
            "pipelineExecutionId": self.id,
            "status": self.status,
            "startTime": self.started,
            "lastUpdateTime": self.updated,
            "sourceRevisions": [{
                "actionName": self.source_action,
                "revisionId": self.revision,
                "revisionSummary": self.revision_summary,
            }],
            "trigger": {"triggerType": self.trigger, "triggerDetail": self.trigger_detail},
            **self.kind(),
        }

    def kind(self) -> dict[str, Any]:
        """executionType, rollbackMetadata and stopTrigger, as V2 pipelines report them."""
        described: dict[str, Any] = {"executionType": "ROLLBACK" if self.rollback_of else "STANDARD"}
        if self.rollback_of:
            described["rollbackMetadata"] = {"rollbackTargetPipelineExecutionId": self.rollback_of}
        if self.stop_reason is not None:
            described["stopTrigger"] = {"reason": self.stop_reason}
        return described

    def retry(self, stage: str, mode: str, now: float) -> None:
        """RetryStageExecution: the stage's failed or abandoned actions (or all of them) run again from
        the first group holding one; earlier attempts stay for ListActionExecutions."""
        index = next(i for i, (name, _) in enumerate(self.stages) if name == stage)
        first = None
        for position, group in enumerate(self.stages[index][1]):
            for slot, run in enumerate(group):
                if mode == "ALL_ACTIONS" or run.status in ("Failed", "Abandoned") or run.status is None:
                    if run.status is not None:
                        self.earlier.append(run)
                    group[slot] = ActionRun(stage, run.declaration)
                    first = position if first is None else first
        self.stage_index, self.group_index = index, first or 0
        self.status, self.status_summary, self.stop_reason = "InProgress", None, None
        self.group_start = self.updated = now

    def description(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "pipelineName": self.pipeline_name,
            "pipelineVersion": self.pipeline_version,
            "pipelineExecutionId": self.id,
            "status": self.status,
            "artifactRevisions": [{
                "name": "SCCheckoutArtifact",
                "revisionId": self.revision,
                "revisionSummary": self.revision_summary,
                "created": self.started,
            }],
            "trigger": {"triggerType": self.trigger, "triggerDetail": self.trigger_detail},
            **self.kind(),
        }
        if self.status_summary:
            described["statusSummary"] = self.status_summary
        if self.variables:
            described["variables"] = self.variables
        return described


# Executions live on the backend instance, so moto's reset wipes them with the pipelines.
def _executions(backend: CodePipelineBackend, name: str) -> list[Execution]:
    if not hasattr(backend, "sluice_executions"):
        backend.sluice_executions = {}
    return backend.sluice_executions.setdefault(name, [])


def _pipeline(backend: CodePipelineBackend, name: str) -> dict[str, Any]:
    pipeline, _ = backend.get_pipeline(name)
    return pipeline


def start_execution(backend: CodePipelineBackend, name: str, trigger: str, trigger_detail: str = "",
                    variables: list[dict[str, str]] | None = None) -> Execution:
    with _lock:
        pipeline = _pipeline(backend, name)
        resolved = _resolve_variables(pipeline, variables or [], started_by_hand=trigger == "StartPipelineExecution")
        executions = _executions(backend, name)
        now = time.time()
        for older in executions:
            older.advance(now)
            if older.status == "InProgress":
                older.finish("Superseded", now)
        execution = Execution(pipeline, trigger, len(executions) + 1, backend.account_id, backend.region_name,
                              trigger_detail=trigger_detail)
        execution.variables = resolved
        executions.append(execution)
        return execution


def _resolve_variables(pipeline: dict[str, Any], given: list[dict[str, str]], started_by_hand: bool) -> list[dict[str, str]]:
    """A V2 pipeline's variables for one execution, as CodePipeline resolves them: each declared one
    its given value, else its default; an undeclared name, an empty value, or (when started by
    StartPipelineExecution) a variable with no default left without a value is refused."""
    declared = pipeline.get("variables") or []
    names = [variable["name"] for variable in declared]
    values: dict[str, str] = {}
    for variable in given:
        if variable.get("name") not in names:
            raise _Error("ValidationException", f"Variable {variable.get('name')} is not declared in pipeline {pipeline['name']}")
        if not variable.get("value"):
            raise _Error("ValidationException", f"Variable {variable['name']} must have a value of at least 1 character")
        values[variable["name"]] = variable["value"]
    resolved = []
    for variable in declared:
        value = values.get(variable["name"], variable.get("defaultValue"))
        if value is None:
            if not started_by_hand:
                continue
            raise _Error("ValidationException", f"Variable {variable['name']} has no default value and none was provided")
        resolved.append({"name": variable["name"], "resolvedValue": value})
    return resolved


def _caller(response: Any) -> str:
    """The IAM identity that signed the request (moto's IAM knows its access key), as CodePipeline
    records it in a trigger's detail and an approval's lastUpdatedBy."""
    account = response.current_account
    key = iam_backends[account]["aws"].access_keys.get(response.get_access_key())
    if key is not None and key.role_arn:
        return key.role_arn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/sluice"
    if key is not None and key.user_name:
        return f"arn:aws:iam::{account}:user/{key.user_name}"
    return f"arn:aws:iam::{account}:root"


def _current(backend: CodePipelineBackend, name: str) -> list[Execution]:
    _pipeline(backend, name)  # PipelineNotFoundException for an unknown name
    executions = _executions(backend, name)
    now = time.time()
    for execution in executions:
        execution.advance(now)
    return executions


# MARK: the operations moto lacks

def get_pipeline_state(self: CodePipelineResponse) -> str:
    name = self._get_param("name")
    backend = self.codepipeline_backend
    with _lock:
        pipeline, metadata = backend.get_pipeline(name)
        executions = _current(backend, name)
        stage_states = []
        for stage in pipeline["stages"]:
            latest = next((e for e in reversed(executions) if e.reached(stage["name"])), None)
            state: dict[str, Any] = {"stageName": stage["name"], "inboundTransitionState": {"enabled": True}}
            actions = []
            for action in stage["actions"]:
                entry: dict[str, Any] = {"actionName": action["name"]}
                run = latest.find(stage["name"], action["name"]) if latest else None
                if run and run.state():
                    entry["latestExecution"] = run.state()
                if run and run.category == "Source" and run.status:
                    entry["currentRevision"] = {"revisionId": latest.revision}
                actions.append(entry)
            state["actionStates"] = actions
            if latest:
                state["latestExecution"] = {"pipelineExecutionId": latest.id,
                                            "status": latest.stage_status(stage["name"]),
                                            "type": "ROLLBACK" if latest.rollback_of else "STANDARD"}
            stage_states.append(state)
        return json.dumps({
            "pipelineName": name,
            "pipelineVersion": pipeline["version"],
            "stageStates": stage_states,
            "created": _epoch(metadata["created"]),
            "updated": _epoch(metadata["updated"]),
        })


def start_pipeline_execution(self: CodePipelineResponse) -> str:
    execution = start_execution(self.codepipeline_backend, self._get_param("name"), "StartPipelineExecution", _caller(self),
                                variables=self._get_param("variables"))
    return json.dumps({"pipelineExecutionId": execution.id})


def list_pipeline_executions(self: CodePipelineResponse) -> str:
    name = self._get_param("pipelineName")
    limit = int(self._get_param("maxResults") or 100)
    start = int(self._get_param("nextToken") or 0)
    succeeded_in = ((self._get_param("filter") or {}).get("succeededInStage") or {}).get("stageName")
    with _lock:
        newest_first = list(reversed(_current(self.codepipeline_backend, name)))
        if succeeded_in:
            newest_first = [e for e in newest_first if e.reached(succeeded_in) and e.stage_status(succeeded_in) == "Succeeded"]
        page = newest_first[start:start + limit]
        answer: dict[str, Any] = {"pipelineExecutionSummaries": [e.summary() for e in page]}
        if start + limit < len(newest_first):
            answer["nextToken"] = str(start + limit)
        return json.dumps(answer)


def get_pipeline_execution(self: CodePipelineResponse) -> str:
    name = self._get_param("pipelineName")
    execution_id = self._get_param("pipelineExecutionId")
    with _lock:
        execution = next((e for e in _current(self.codepipeline_backend, name) if e.id == execution_id), None)
        if execution is None:
            raise _Error("PipelineExecutionNotFoundException",
                         f"Pipeline execution with id {execution_id} does not exist in pipeline {name}")
        return json.dumps({"pipelineExecution": execution.description()})


def put_approval_result(self: CodePipelineResponse) -> str:
    name = self._get_param("pipelineName")
    stage = self._get_param("stageName")
    action = self._get_param("actionName")
    result = self._get_param("result") or {}
    token = self._get_param("token")
    if result.get("status") not in ("Approved", "Rejected"):
        raise _Error("InvalidParameterValueException", "result.status must be Approved or Rejected")
    with _lock:
        pipeline = _pipeline(self.codepipeline_backend, name)
        declared = next((s for s in pipeline["stages"] if s["name"] == stage), None)
        if declared is None:
            raise _Error("StageNotFoundException", f"Stage {stage} does not exist in pipeline {name}")
        if not any(a["name"] == action and a["actionTypeId"]["category"] == "Approval" for a in declared["actions"]):
            raise _Error("ActionNotFoundException", f"Approval action {action} does not exist in stage {stage}")
        run = next((r for e in _current(self.codepipeline_backend, name)
                    for r in [e.find(stage, action)] if r and r.token == token), None)
        if run is None:
            raise _Error("InvalidApprovalTokenException", f"The token {token} is not valid for {stage}/{action}")
        if run.status != "InProgress":
            raise _Error("ApprovalAlreadyCompletedException", f"The approval {stage}/{action} is already {run.status}")
        now = time.time()
        run.finished = now
        run.summary = result.get("summary") or None
        run.updated_by = _caller(self)
        run.status = "Succeeded" if result["status"] == "Approved" else "Failed"
        if run.status == "Failed":
            run.summary = run.summary or "Rejected"
        _current(self.codepipeline_backend, name)
        return json.dumps({"approvedAt": now})


def stop_pipeline_execution(self: CodePipelineResponse) -> str:
    """Stop and wait (the execution is Stopping until its running actions end, then Stopped) or,
    with abandon, stop at once, its running actions Abandoned."""
    name = self._get_param("pipelineName")
    execution_id = self._get_param("pipelineExecutionId")
    abandon = bool(self._get_param("abandon"))
    with _lock:
        execution = _execution(self.codepipeline_backend, name, execution_id)
        if execution.status == "Stopping" and not abandon:
            raise _Error("DuplicatedStopRequestException", f"Execution {execution_id} is already stopping")
        if execution.status not in ("InProgress", "Stopping"):
            raise _Error("PipelineExecutionNotStoppableException", f"Execution {execution_id} is not in progress")
        execution.stop_reason = self._get_param("reason") or ""
        if abandon:
            execution.finish("Stopped", time.time())
        else:
            execution.status = "Stopping"
            _current(self.codepipeline_backend, name)
        return json.dumps({"pipelineExecutionId": execution_id})


def _execution(backend: CodePipelineBackend, name: str, execution_id: str) -> Execution:
    execution = next((e for e in _current(backend, name) if e.id == execution_id), None)
    if execution is None:
        raise _Error("PipelineExecutionNotFoundException",
                     f"Pipeline execution with id {execution_id} does not exist in pipeline {name}")
    return execution


def retry_stage_execution(self: CodePipelineResponse) -> str:
    """RetryStageExecution: only in the latest execution that reached the stage, only a failed or
    stopped stage, and only while the pipeline's structure is the one the execution ran."""
    name, stage = self._get_param("pipelineName"), self._get_param("stageName")
    execution_id, mode = self._get_param("pipelineExecutionId"), self._get_param("retryMode")
    if mode not in ("FAILED_ACTIONS", "ALL_ACTIONS"):
        raise _Error("ValidationException", "retryMode must be FAILED_ACTIONS or ALL_ACTIONS")
    with _lock:
        backend = self.codepipeline_backend
        pipeline = _pipeline(backend, name)
        if not any(s["name"] == stage for s in pipeline["stages"]):
            raise _Error("StageNotFoundException", f"Stage {stage} does not exist in pipeline {name}")
        execution = _execution(backend, name, execution_id)
        latest = next((e for e in reversed(_current(backend, name)) if e.reached(stage)), None)
        if latest is not execution:
            raise _Error("NotLatestPipelineExecutionException",
                         f"Execution {execution_id} is not the latest execution in stage {stage}")
        if execution.status not in ("Failed", "Stopped") or execution.stage_status(stage) not in ("Failed", "Stopped"):
            raise _Error("StageNotRetryableException", f"Stage {stage} of execution {execution_id} is not failed or stopped")
        if execution.pipeline_version != pipeline["version"]:
            raise _Error("StageNotRetryableException", f"The pipeline structure changed after stage {stage} failed")
        execution.retry(stage, mode, time.time())
        return json.dumps({"pipelineExecutionId": execution_id})


def rollback_stage(self: CodePipelineResponse) -> str:
    """RollbackStage (V2 pipelines): a new ROLLBACK execution running the stage with the target's revision."""
    name, stage = self._get_param("pipelineName"), self._get_param("stageName")
    target_id = self._get_param("targetPipelineExecutionId")
    with _lock:
        backend = self.codepipeline_backend
        pipeline = _pipeline(backend, name)
        if pipeline.get("pipelineType") != "V2":
            raise _Error("ValidationException", "RollbackStage is supported for pipelines of type V2 only")
        names = [s["name"] for s in pipeline["stages"]]
        if stage not in names:
            raise _Error("StageNotFoundException", f"Stage {stage} does not exist in pipeline {name}")
        if stage == names[0]:
            raise _Error("UnableToRollbackStageException", "A source stage cannot be rolled back")
        executions = _current(backend, name)
        target = _execution(backend, name, target_id)
        if target.rollback_of:
            raise _Error("UnableToRollbackStageException", f"Execution {target_id} is a rollback execution")
        if not target.reached(stage) or target.stage_status(stage) != "Succeeded":
            raise _Error("UnableToRollbackStageException", f"Execution {target_id} did not succeed in stage {stage}")
        if target.pipeline_version != pipeline["version"]:
            raise _Error("PipelineExecutionOutdatedException",
                         f"Execution {target_id} ran version {target.pipeline_version} of the pipeline, not {pipeline['version']}")
        if any(e.reached(stage) and e.status in ("InProgress", "Stopping") and e.stage_status(stage) in ("InProgress", "Stopping")
               for e in executions):
            raise _Error("ConflictException", f"Stage {stage} has an execution in progress")
        execution = Execution(pipeline, "ManualRollback", len(executions) + 1, backend.account_id, backend.region_name,
                              trigger_detail=_caller(self), rollback_of=target, only_stage=stage)
        executions.append(execution)
        return json.dumps({"pipelineExecutionId": execution.id})


def list_action_executions(self: CodePipelineResponse) -> str:
    """Every attempt of every action (a retry's earlier ones too), newest first; filtered by execution."""
    name = self._get_param("pipelineName")
    wanted = (self._get_param("filter") or {}).get("pipelineExecutionId")
    with _lock:
        details = []
        for execution in _current(self.codepipeline_backend, name):
            if wanted and execution.id != wanted:
                continue
            details += [run.detail(execution) for run in list(execution.runs()) + execution.earlier if run.status]
        if wanted and not any(e.id == wanted for e in _current(self.codepipeline_backend, name)):
            raise _Error("PipelineExecutionNotFoundException", f"Pipeline execution with id {wanted} does not exist")
        details.sort(key=lambda d: d["startTime"], reverse=True)
        return json.dumps({"actionExecutionDetails": details})


def _epoch(text: Any) -> float:
    from datetime import datetime
    if isinstance(text, (int, float)):
        return float(text)
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()


_moto_create_pipeline = CodePipelineBackend.create_pipeline


def _create_pipeline(self: CodePipelineBackend, pipeline: dict[str, Any], tags: list[dict[str, str]]):
    """IAM takes a trust policy's Principal.Service as a string or a list of strings (Copilot's
    templates write a list); moto's CreatePipeline check reads a string only. A list naming
    codepipeline.amazonaws.com is shown to that check as the string it expects."""
    try:
        role = self.iam_backend.get_role_by_arn(pipeline["roleArn"])
    except Exception:
        return _moto_create_pipeline(self, pipeline, tags)
    document = role.assume_role_policy_document
    policy = json.loads(document)
    for statement in policy.get("Statement", []):
        service = statement.get("Principal", {}).get("Service")
        if isinstance(service, list) and "codepipeline.amazonaws.com" in service:
            statement["Principal"]["Service"] = "codepipeline.amazonaws.com"
    role.assume_role_policy_document = json.dumps(policy)
    try:
        return _moto_create_pipeline(self, pipeline, tags)
    finally:
        role.assume_role_policy_document = document


CodePipelineBackend.create_pipeline = _create_pipeline

for _operation in (get_pipeline_state, start_pipeline_execution, list_pipeline_executions,
                   get_pipeline_execution, put_approval_result, stop_pipeline_execution,
                   retry_stage_execution, rollback_stage, list_action_executions):
    setattr(CodePipelineResponse, _operation.__name__, _operation)


# MARK: the CloudFormation resource

def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase pipeline structure as the API's camelCase; Configuration
    keeps its keys, which are the action provider's own names."""
    if isinstance(value, list):
        return [_camel(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in value.items():
        name = key[0].lower() + key[1:]
        if key == "Configuration":
            # An unsupported resource (CodeBuild project, CodeStar connection) resolves to None.
            converted[name] = {k: str(v) for k, v in item.items() if v is not None}
        elif key == "ActionTypeId":
            converted[name] = {k[0].lower() + k[1:]: str(v) for k, v in item.items()}
        else:
            converted[name] = _camel(item)
    return converted


def _definition(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    pipeline: dict[str, Any] = {"name": name, "roleArn": properties["RoleArn"],
                                "stages": _camel(properties["Stages"])}
    if "ArtifactStore" in properties:
        pipeline["artifactStore"] = _camel(properties["ArtifactStore"])
    if "ArtifactStores" in properties:
        # CloudFormation lists them with their Region; the API maps each region to its store.
        pipeline["artifactStores"] = {store["Region"]: _camel(store["ArtifactStore"]) for store in properties["ArtifactStores"]}
    # V1 unless the template says otherwise, as CodePipeline defaults it.
    pipeline["pipelineType"] = properties.get("PipelineType", "V1")
    pipeline["executionMode"] = properties.get("ExecutionMode", "SUPERSEDED")
    for key in ("Variables", "Triggers"):
        if key in properties:
            pipeline[key[0].lower() + key[1:]] = _camel(properties[key])
    return pipeline


class PipelineResource(CloudFormationModel):
    """AWS::CodePipeline::Pipeline: Ref gives the pipeline's name."""

    # moto files every model under the service its module path names.
    __module__ = "moto.codepipeline.models"

    def __init__(self, name: str, account_id: str, region: str):
        self.name = name
        self.account_id = account_id
        self.region = region

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodePipeline::Pipeline"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Version"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        pipeline, _ = codepipeline_backends[self.account_id][self.region].get_pipeline(self.name)
        return str(pipeline["version"])

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        backend = codepipeline_backends[account_id][region_name]
        # CloudFormation propagates the stack's tags to the pipeline (Copilot's template sets none of its own).
        tags = [{"key": k, "value": v} for k, v in _stack_tags(account_id, region_name, kwargs.get("StackId")).items()]
        tags += [{"key": t["Key"], "value": t["Value"]} for t in properties.get("Tags", [])]
        backend.create_pipeline(_definition(resource_name, properties), tags)
        start_execution(backend, resource_name, "CreatePipeline")
        return cls(resource_name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        properties = cloudformation_json["Properties"]
        backend = codepipeline_backends[account_id][region_name]
        # moto generates a new name on every update; CloudFormation keeps a generated name until Name is set.
        if "Name" not in properties:
            new_resource_name = original_resource.name
        if new_resource_name != original_resource.name:
            cls.delete_from_cloudformation_json(original_resource.name, cloudformation_json, account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        backend.update_pipeline(_definition(new_resource_name, properties))
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        backend = codepipeline_backends[account_id][region_name]
        with _lock:
            backend.delete_pipeline(resource_name)
            getattr(backend, "sluice_executions", {}).pop(resource_name, None)

    def delete(self, account_id: str, region_name: str) -> None:
        self.delete_from_cloudformation_json(self.name, {}, account_id, region_name)


def _stack_tags(account_id: str, region: str, stack_id: str | None) -> dict[str, str]:
    from moto.cloudformation.models import cloudformation_backends
    backend = cloudformation_backends[account_id][region]
    stack = backend.stacks.get(stack_id) if stack_id else None
    if stack is None and stack_id:
        # A stack made by a change set is filed under its change set until executed.
        stack = next((cs for cs in backend.change_sets.values() if cs.stack_id == stack_id), None)
    return dict(getattr(stack, "tags", None) or {})


class _ResourceNamedByARN:
    """What a CloudFormation resource moto lacks shares: its physical id (and Ref) is an ARN; a
    subclass names its type, its name property and its attributes. A mixin, not a base class: moto
    finds resource types among CloudFormationModel's direct subclasses."""

    __module__ = "moto.codepipeline.models"
    resource_type = ""
    name_property = ""
    attributes: tuple[str, ...] = ()

    def __init__(self, arn: str):
        self.arn = arn

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.name_property

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.resource_type

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes


class ConnectionResource(_ResourceNamedByARN, CloudFormationModel):
    """AWS::CodeStarConnections::Connection, which moto lacks: Ref gives a new connection's
    ARN, so the pipeline's policies and source action can name it; the connection is one the
    CodeStar Connections API knows, PENDING as a new one is."""

    __module__ = "moto.codepipeline.models"
    resource_type = "AWS::CodeStarConnections::Connection"
    name_property = "ConnectionName"
    attributes = ("ConnectionArn", "ConnectionStatus")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.arn if attribute_name == "ConnectionArn" else _connection_status(self.arn, time.time())

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        return cls(_make_connection(properties.get("ConnectionName", resource_name), properties.get("ProviderType", "GitHub"),
                                    region_name, account_id))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        _connections.pop(resource_name, None)

    def delete(self, account_id: str, region_name: str) -> None:
        _connections.pop(self.arn, None)


# MARK: CodeBuild builds and their logs

_builds: dict[str, dict[str, Any]] = {}


def _log_events(execution: Execution, run: ActionRun, lines: list[str], at: float) -> None:
    build = _builds[run.build_id]
    backend = logs_backends[execution.account_id][execution.region]
    events = [{"timestamp": int(at * 1000) + index, "message": line} for index, line in enumerate(lines)]
    backend.put_log_events(build["logs"]["groupName"], build["logs"]["streamName"], events)


def _start_build(execution: Execution, run: ActionRun) -> None:
    stream = str(uuid.uuid4())
    run.build_id = f"{run.project}:{stream}"
    group = f"/aws/codebuild/{run.project}"
    backend = logs_backends[execution.account_id][execution.region]
    if group not in backend.groups:
        backend.create_log_group(group, {})
    backend.create_log_stream(group, stream)
    _builds[run.build_id] = {
        "id": run.build_id, "projectName": run.project, "buildStatus": "IN_PROGRESS", "currentPhase": "BUILD",
        "buildComplete": False, "startTime": run.started,
        "arn": f"arn:aws:codebuild:{execution.region}:{execution.account_id}:build/{run.build_id}",
        "logs": {"groupName": group, "streamName": stream,
                 "deepLink": f"https://console.aws.amazon.com/cloudwatch/home#logEvent:group={group};stream={stream}"},
    }
    _log_events(execution, run, [
        f"[Container] Running on CodeBuild for {execution.pipeline_name} {run.stage}/{run.name}",
        "[Container] Entering phase BUILD",
        f"[Container] Running command ./run {run.name}",
    ], run.started)


def _finish_build(execution: Execution, run: ActionRun) -> None:
    if run.fails:
        lines = ["--- FAIL: TestCheckout (0.01s)", "    checkout_test.go:42: expected 200, got 500",
                 "make: *** [Makefile:7: test] Error 1",
                 f"[Container] Command did not exit successfully ./run {run.name} exit status 2",
                 "[Container] Phase complete: BUILD State: FAILED"]
    else:
        lines = ["ok  \texample.com/api\t0.012s", "[Container] Phase complete: BUILD State: SUCCEEDED"]
    _log_events(execution, run, lines, run.finished)
    _builds[run.build_id].update({"buildStatus": "FAILED" if run.fails else "SUCCEEDED", "currentPhase": "COMPLETED",
                                  "buildComplete": True, "endTime": run.finished})


def _advance_everything(account_id: str, region: str) -> None:
    backend = codepipeline_backends[account_id][region]
    now = time.time()
    for executions in getattr(backend, "sluice_executions", {}).values():
        for execution in executions:
            execution.advance(now)


def batch_get_builds(self: CodeBuildResponse) -> str:
    ids = self._get_param("ids")
    with _lock:
        _advance_everything(self.current_account, self.region)
        found = [dict(_builds[i]) for i in ids if i in _builds]
    if len(found) < len(ids):
        return _batch_get_builds(self)
    return json.dumps({"builds": found, "buildsNotFound": []})


def get_log_events(self: LogsResponse) -> str:
    with _lock:
        _advance_everything(self.current_account, self.region)
    return _get_log_events(self)


_batch_get_builds = CodeBuildResponse.batch_get_builds
_get_log_events = LogsResponse.get_log_events
CodeBuildResponse.batch_get_builds = batch_get_builds
LogsResponse.get_log_events = get_log_events


# moto's ExecuteChangeSet keeps the stack's old template dictionary and outputs (AWS
# recomputes both): refresh them, so DescribeStacks shows the outputs of what was deployed.
_execute_change_set = CloudFormationBackend.execute_change_set


def _execute_change_set_with_outputs(self, change_set_name, stack_name=None):
    _execute_change_set(self, change_set_name, stack_name)
    for stack in self.stacks.values():
        if stack.name == stack_name or stack.stack_id == stack_name or any(
                cs.stack_id == stack.stack_id and change_set_name in (cs.change_set_name, cs.change_set_id)
                for cs in self.change_sets.values()):
            stack._parse_template()
            stack.output_map = stack._create_output_map()


CloudFormationBackend.execute_change_set = _execute_change_set_with_outputs


# moto caches its model list on first use; make sure it sees these.
for _cache in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
    _cache.cache_clear()


# MARK: the CodeStar Connections API

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import IAMRequest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_CONNECTIONS_TARGET = "com.amazonaws.codestar.connections.CodeStar_connections_20191201."
# Connections by ARN, as CreateConnection or a stack made them, and when; emptied by /moto-api/reset.
_connections: dict[str, dict[str, str]] = {}
_connections_made: dict[str, float] = {}
_moto_dispatch = DomainDispatcherApplication.__call__


def _make_connection(name: str, provider: str, region: str, account: str) -> str:
    arn = f"arn:aws:codestar-connections:{region}:{account}:connection/{uuid.uuid4()}"
    _connections[arn] = {"ConnectionName": name, "ConnectionArn": arn, "ProviderType": provider, "OwnerAccountId": account}
    _connections_made[arn] = time.time()
    return arn


def _connection_status(arn: str, at: float) -> str:
    """PENDING until the person SLUICE_MOTO_CONNECTION_SECONDS stands for completes the handshake; a
    connection nobody made is in no state a pipeline can use."""
    made = _connections_made.get(arn)
    if made is None:
        return "ERROR"
    return "AVAILABLE" if at >= made + CONNECTION_SECONDS else "PENDING"


def _described(arn: str) -> dict[str, str]:
    return dict(_connections[arn], ConnectionStatus=_connection_status(arn, time.time()))


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    return headers


def _connections_call(operation: str, body: dict[str, Any], region: str, account: str) -> tuple[str, dict[str, Any]]:
    if operation == "CreateConnection":
        return "200 OK", {"ConnectionArn": _make_connection(body["ConnectionName"], body.get("ProviderType", "GitHub"), region, account)}
    if operation == "ListConnections":
        wanted = body.get("ProviderTypeFilter")
        listed = [_described(arn) for arn, c in _connections.items() if wanted in (None, c["ProviderType"])]
        return "200 OK", {"Connections": listed}
    if operation == "GetConnection":
        arn = body.get("ConnectionArn", "")
        if arn not in _connections:
            return "400 Bad Request", {"__type": "ResourceNotFoundException", "message": "Connection not found"}
        return "200 OK", {"Connection": _described(arn)}
    return "400 Bad Request", {"__type": "UnknownOperationException", "message": operation}


def _dispatch(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
    """CodeStar Connections, which moto lacks: CreateConnection, ListConnections and GetConnection
    over connections kept here, each request's signature checked by moto's IAM as for its own services.
    POST /sluice-moto/failing-actions (a comma-separated list) sets which actions fail from then on."""
    if environ.get("PATH_INFO") == "/moto-api/reset":
        _connections.clear()
        _connections_made.clear()
        _notification_rules.clear()
        FAILING_ACTIONS.clear()
        FAILING_ACTIONS.update(_names(os.environ.get("SLUICE_MOTO_FAILING_ACTIONS", "")))
    if environ.get("PATH_INFO") == "/sluice-moto/failing-actions":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        FAILING_ACTIONS.clear()
        FAILING_ACTIONS.update(_names(body))
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    scope = environ.get("HTTP_AUTHORIZATION", "").partition("Credential=")[2].split(",")[0].split("/")
    if target.startswith(_CONNECTIONS_TARGET):
        operation, call = target[len(_CONNECTIONS_TARGET):], _connections_call
    elif scope[3:4] == ["codestar-notifications"]:
        operation, call = _NOTIFICATION_OPERATIONS.get(environ.get("PATH_INFO", ""), environ.get("PATH_INFO", "")), _notifications_call
    else:
        return _moto_dispatch(self, environ, start_response)
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = _headers(environ)
    account = "123456789012"
    region = headers.get("Authorization", "").partition("Credential=")[2].split("/")[2:3] or ["us-east-1"]
    try:
        if ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT:
            request = IAMRequest(account_id=account, method=environ["REQUEST_METHOD"], path=environ.get("PATH_INFO") or "/",
                                 data={}, body=body, headers=headers, action=operation)
            request.check_signature()
            request.check_action_permitted("*")
        else:
            ActionAuthenticatorMixin.request_count += 1
        status, answer = call(operation, json.loads(body or b"{}"), region[0], account)
    except Exception as error:  # moto's signature and permission errors carry their HTTP status and type
        status = f"{getattr(error, 'code', 403)} Denied"
        answer = {"__type": getattr(error, "error_type", "AccessDeniedException"), "message": getattr(error, "message", str(error))}
    payload = json.dumps(answer).encode()
    start_response(status, [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(payload)))])
    return [payload]


DomainDispatcherApplication.__call__ = _dispatch


# MARK: CodeStar Notifications rules (a pipeline's notifications, added by YAML patches)

# Rules by ARN, as a stack made them; ListNotificationRules and DescribeNotificationRule read them.
_notification_rules: dict[str, dict[str, Any]] = {}
_NOTIFICATION_OPERATIONS = {"/listNotificationRules": "ListNotificationRules", "/describeNotificationRule": "DescribeNotificationRule"}


def _notifications_call(operation: str, body: dict[str, Any], region: str, account: str) -> tuple[str, dict[str, Any]]:
    """CodeStar Notifications (REST-JSON), which moto lacks: the rules stacks created, listed and described."""
    if operation == "ListNotificationRules":
        return "200 OK", {"NotificationRules": [{"Id": arn, "Arn": arn} for arn in _notification_rules]}
    if operation == "DescribeNotificationRule":
        rule = _notification_rules.get(body.get("Arn", ""))
        if rule is None:
            return "404 Not Found", {"__type": "ResourceNotFoundException", "message": "Notification rule not found"}
        return "200 OK", rule
    return "400 Bad Request", {"__type": "UnknownOperationException", "message": operation}


class NotificationRuleResource(_ResourceNamedByARN, CloudFormationModel):
    """AWS::CodeStarNotifications::NotificationRule, which moto lacks: Ref gives the rule's ARN; the rule
    (name, resource, event types, targets) is what DescribeNotificationRule returns."""

    __module__ = "moto.codepipeline.models"
    resource_type = "AWS::CodeStarNotifications::NotificationRule"
    name_property = "Name"
    attributes = ("Arn",)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        arn = f"arn:aws:codestar-notifications:{region_name}:{account_id}:notificationrule/{uuid.uuid4().hex}"
        _notification_rules[arn] = {
            "Arn": arn, "Name": properties.get("Name", resource_name), "Resource": properties.get("Resource"),
            "DetailType": properties.get("DetailType", "FULL"), "Status": properties.get("Status", "ENABLED"),
            "EventTypes": [{"EventTypeId": event} for event in properties.get("EventTypeIds", [])],
            "Targets": [{"TargetType": t.get("TargetType"), "TargetAddress": t.get("TargetAddress"), "TargetStatus": "ACTIVE"}
                        for t in properties.get("Targets", [])],
        }
        return cls(arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        _notification_rules.pop(original_resource.arn, None)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        _notification_rules.pop(resource_name, None)

    def delete(self, account_id: str, region_name: str) -> None:
        _notification_rules.pop(self.arn, None)


# MARK: pipelines in the Resource Groups Tagging API

_moto_resources = ResourceGroupsTaggingAPIBackend._get_resources_generator


def _resources_with_pipelines(self: ResourceGroupsTaggingAPIBackend, tag_filters=None, resource_type_filters=None):
    """moto's GetResources leaves CodePipeline out; AWS lists pipelines as codepipeline:pipeline (what
    Copilot's ListDeployedPipelines asks for, by its copilot-application tag)."""
    others = [kind for kind in (resource_type_filters or []) if not kind.startswith("codepipeline")]
    if others or not resource_type_filters:
        yield from _moto_resources(self, tag_filters=tag_filters or [], resource_type_filters=others)
    if resource_type_filters and len(others) == len(resource_type_filters):
        return
    backend = codepipeline_backends[self.account_id][self.region_name]
    for pipeline in list(backend.pipelines.values()):
        tags = [{"Key": k, "Value": v} for k, v in pipeline.tags.items()]
        matches = all(any(t["Key"] == f["Key"] and (not f.get("Values") or t["Value"] in f["Values"]) for t in tags)
                      for f in tag_filters or [])
        if matches:
            yield {"ResourceARN": pipeline.metadata["pipelineArn"], "Tags": tags}


ResourceGroupsTaggingAPIBackend._get_resources_generator = _resources_with_pipelines
