import CopilotRules
import Errors

/// Why `stop`, `retry`, `rollback` or a look-up of a run refuses, on either target: where
/// CodePipeline would refuse (its exception named where it has one), said with what to do instead.
public enum RunRefusal: ReportableError, Equatable {
    case noSuchExecution(String, pipeline: String)
    /// A prefix of more than one execution id.
    case ambiguousExecution(String, matches: [String])
    case noSuchStage(String, stages: [String])
    /// Nothing is running; the newest run, if there is one, and its state.
    case nothingToStop(pipeline: String, latest: String?, state: RunState?)
    /// PipelineExecutionNotStoppableException.
    case notStoppable(String, state: RunState)
    /// DuplicatedStopRequestException: a stop was asked already (abandoning is still possible after a wait).
    case alreadyStopping(String, mode: StopMode)
    /// The sluice driving the run did not act on the stop request in time.
    case stopNotApplied(String, driver: Int32?)
    /// StageNotRetryableException: the stage neither failed nor stopped in the latest run that reached it.
    case stageNotRetryable(stage: String, execution: String, state: RunState)
    case stageNeverRan(String)
    /// The pipeline was pushed with other stages or actions since the run (CodePipeline's "pipeline structure").
    case structureChanged(stage: String, execution: String)
    /// Another sluice drives the execution.
    case executionBusy(String, driver: Int32?)
    /// RollbackStage on the Source stage.
    case sourceCannotRollBack
    /// No run before the one deployed in the stage succeeded there.
    case noEarlierSuccess(stage: String)
    /// UnableToRollbackStageException: a rollback cannot target a rollback run.
    case targetIsRollback(String)
    case targetDidNotSucceed(String, stage: String, state: RunState)
    /// PipelineExecutionOutdatedException: the target ran another pipeline structure.
    case targetOutdated(String)
    /// ConflictException: a run is in the stage now.
    case stageBusy(stage: String, execution: String)
    /// The target's build artifacts are gone (`reset`).
    case artifactsGone(String)
    /// The commit a run took is no longer in the repository.
    case revisionGone(String)
    /// RollbackStage needs a V2 pipeline; Copilot deploys V1.
    case rollbackNeedsV2(pipeline: String)

    public var problem: Problem {
        switch self {
        case .noSuchExecution(let id, let pipeline):
            return Problem("pipeline \(pipeline) has no execution \(id)", hint: "`history` lists its executions")
        case .ambiguousExecution(let prefix, let matches):
            return Problem("\(prefix) starts the ids of \(matches.count) executions",
                           hint: "give more of the id: \(matches.prefix(3).joined(separator: ", "))")
        case .noSuchStage(let stage, let stages):
            return Problem("the pipeline has no stage \(stage)",
                           hint: Suggestions.hint(for: stage, among: stages) ?? "its stages are \(stages.joined(separator: ", "))")
        case .nothingToStop(let pipeline, let latest, let state):
            guard let latest, let state else {
                return Problem("pipeline \(pipeline) has not run, so nothing is running to stop", hint: "`push` or `release` starts a run")
            }
            return Problem("no run of \(pipeline) is in progress: the newest, \(latest), is \(state.rawValue)",
                           hint: "`history` lists the runs; `retry STAGE` runs a failed stage again")
        case .notStoppable(let id, let state):
            return Problem("run \(id) is \(state.rawValue) already, so it cannot be stopped",
                           hint: "only a run in progress stops; `history` lists the runs")
        case .alreadyStopping(let id, let mode):
            return Problem("run \(id) is stopping already (\(mode == .abandon ? "abandoning" : "finishing") its running actions)",
                           hint: mode == .abandon ? "it ends in a moment: `status` shows it"
                               : "`stop \(id) abandon` abandons its running actions instead of waiting for them")
        case .stopNotApplied(let id, let driver):
            return Problem("the sluice driving run \(id)\(driver.map { " (pid \($0))" } ?? "") did not stop it within 10 seconds",
                           hint: "the request stays: it stops the run before its next action; `status` shows it")
        case .stageNotRetryable(let stage, let id, let state):
            return Problem("stage \(stage) is \(state.rawValue) in run \(id), the latest that reached it; "
                           + "only a failed or stopped stage can be retried",
                           hint: state == .succeeded ? "`release` starts a new run; `rollback \(stage)` redeploys an earlier one"
                               : "`status` shows where the run is")
        case .stageNeverRan(let stage):
            return Problem("no run has reached stage \(stage), so there is nothing to retry", hint: "`status` shows where the runs are")
        case .structureChanged(let stage, let id):
            return Problem("the pipeline was pushed with other stages or actions since run \(id), so its stage \(stage) cannot be retried",
                           hint: "`release` starts a run of the pipeline as pushed")
        case .executionBusy(let id, let driver):
            return Problem("run \(id) is being driven by another sluice\(driver.map { " (pid \($0))" } ?? "")",
                           hint: "wait for it to end, or `stop \(id)` it")
        case .sourceCannotRollBack:
            return Problem("the Source stage cannot be rolled back (CodePipeline rolls back the stages after it)",
                           hint: "`rollback STAGE` names a stage that deploys, e.g. `rollback prod`")
        case .noEarlierSuccess(let stage):
            return Problem("no earlier run succeeded in stage \(stage), so there is nothing to roll back to",
                           hint: "`history` lists the runs and how far each went")
        case .targetIsRollback(let id):
            return Problem("run \(id) is itself a rollback, which a rollback cannot target",
                           hint: "name the run it rolled back to (`history \(id)` shows it)")
        case .targetDidNotSucceed(let id, let stage, let state):
            return Problem("stage \(stage) is \(state.rawValue) in run \(id); a rollback goes back to a run that succeeded there",
                           hint: "`history` shows which runs succeeded in each stage")
        case .targetOutdated(let id):
            return Problem("run \(id) ran the pipeline with other stages or actions than it has now, so it cannot be rolled back to",
                           hint: "roll back to a run since the last push that changed the stages (`history` lists them)")
        case .stageBusy(let stage, let id):
            return Problem("run \(id) is in stage \(stage) now", hint: "wait for it, or `stop \(id)` it, then roll back")
        case .artifactsGone(let id):
            return Problem("the build artifacts of run \(id) are gone (`reset` clears them)",
                           hint: "roll back to a later run, or `release` the commit you want")
        case .revisionGone(let revision):
            return Problem("commit \(revision.prefix(12)) is no longer in the repository",
                           hint: "a rewritten history dropped it; `release` runs the branch as it is now")
        case .rollbackNeedsV2(let pipeline):
            return Problem("pipeline \(pipeline) is a V1 pipeline, and CodePipeline rolls back stages of V2 pipelines only",
                           hint: "make it V2 (set `PipelineType: V2` on the pipeline with an override, or use a V2 setting "
                               + "such as `mode` or `trigger`), then `push`")
        }
    }
}
