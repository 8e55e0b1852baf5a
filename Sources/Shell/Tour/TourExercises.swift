import CopilotRules
import Manifest
import Targets

/// What the tour looks at to know whether an exercise is done: the state the learner left, never
/// the words typed (`approval on prod` or editing by `undo`: the same result, the same answer).
struct TourState {
    /// The pipeline as edited (unsaved edits included); nil before there is one.
    var manifest: PipelineManifest?
    /// No unsaved edits, and the manifest is on disk.
    var saved: Bool
    /// What `validate` reports as errors.
    var errors: [String]
    /// The newest run, and the newest when the exercise began (to tell a new run from an old one).
    var run: ExecutionSnapshot?
    var runAtStart: ExecutionSnapshot?

    /// A run started since the exercise began.
    var newRun: ExecutionSnapshot? { run?.id == runAtStart?.id ? nil : run }

    func stage(_ name: String) -> Stage? { manifest?.stage(named: name) }
}

/// One exercise of the tour: why, what to achieve, and how the tour knows it is done.
struct TourExercise {
    /// The few words of the heading: "Step 3 of 11 · Stages".
    var title: String
    /// Why, before the task.
    var explanation: String
    /// What to achieve (not which command to type).
    var task: String
    /// What the tour itself does first, shown: a colleague's change, a slip to find.
    var setup: TourSetup?
    /// What `hint` says before the commands (nil: the commands alone).
    var hint: String?
    /// Commands that reach the goal: `hint` shows them, `skip` runs them.
    var solution: [String]
    /// nil once the goal is reached; else what is still missing, for "Not yet: …".
    var check: @Sendable (TourState) -> String?
    /// The tour commits the scratch workspace once the goal is reached: the local target builds what is committed.
    var commitsAfter = false
}

struct TourSetup {
    /// What the tour says it does.
    var says: String
    var commands: [String]
    /// Commit afterwards, as the colleague would.
    var commits = false
}

extension TourExercise {
    /// Copilot's pipelines guide, built and then run through what goes wrong and right in a release.
    static let all: [TourExercise] = [
        TourExercise(
            title: "Source",
            explanation: "A pipeline starts from its source: CodePipeline starts a run whenever someone pushes to the tracked branch "
                + "of a repository (main unless you name another). The first edit also creates the pipeline from Copilot's "
                + "template, named after the repository and branch.",
            task: "Make the pipeline track the GitHub repository acme/api.",
            solution: ["source set github https://github.com/acme/api"],
            check: checkSource),
        TourExercise(
            title: "Build",
            explanation: "The Build stage runs a buildspec. Copilot's own downloads copilot and packages every service; this "
                + "workspace's buildspec.yml tests the code and writes each environment's template with make, so the build "
                + "also runs on this machine.",
            task: "Make the Build stage run this workspace's buildspec.yml.",
            solution: ["build buildspec buildspec.yml"],
            check: checkBuild),
        TourExercise(
            title: "Stages",
            explanation: "Release order: the pipeline deploys to one environment at a time, in the order of its stages, each "
                + "stage named after the environment it deploys to.",
            task: "Deploy to test first, then to prod: two stages, in that order.",
            solution: ["stage add test", "stage add prod"],
            check: checkStages),
        TourExercise(
            title: "A test",
            explanation: "After deploying to an environment a stage can run test commands there. If one fails, the change "
                + "goes no further.",
            task: "Run the unit tests after deploying to test: give stage test the test command make test.",
            solution: ["test add test \"make test\""],
            check: checkUnitTest),
        TourExercise(
            title: "Approval",
            explanation: "Nothing should reach production without a person's yes: a manual approval before a stage makes the "
                + "run wait there.",
            task: "Make prod wait for a manual approval.",
            solution: ["approval on prod"],
            check: checkApproval),
        TourExercise(
            title: "validate and undo",
            explanation: "`validate` checks the pipeline against Copilot's rules and says what is wrong, and where. `undo` "
                + "takes back the last edit (`redo` puts it back).",
            task: "Find what is wrong with the pipeline now, and put it right, keeping what you built.",
            setup: TourSetup(says: "The tour makes an edit you did not ask for, as a slip at the keyboard might:",
                             commands: ["post add test smoke buildspec smoke.yml"]),
            solution: ["validate", "undo"],
            check: { state in
                state.errors.first.map { "`validate` still finds: \($0)." } ?? built(state)
            }),
        TourExercise(
            title: "Save",
            explanation: "`show graph` draws the pipeline as CodePipeline will run it. Saving writes the manifest into the "
                + "workspace; the tour then commits it, as the guide's `git add` and `git commit` do: a pipeline builds "
                + "what is committed.",
            task: "Save the pipeline.",
            solution: ["save"],
            check: { state in state.saved ? nil : "there are unsaved edits (the prompt's * says so)." },
            commitsAfter: true),
        TourExercise(
            title: "push and watch",
            explanation: "`push` deploys the pipeline to the target (the local one here: this machine runs it) and starts a run. "
                + "`watch` follows a run live, stage by stage; Enter leaves it.",
            task: "Deploy the pipeline and start a run.",
            setup: TourSetup(says: "Meanwhile a colleague adds an integration test to stage test, saves and commits it:",
                             commands: ["test add test \"make integration-test\"", "save"], commits: true),
            solution: ["push --yes"],
            check: { state in state.newRun == nil ? "no run has started yet." : nil }),
        TourExercise(
            title: "status and logs",
            explanation: "That run failed. `status` shows each stage and action of the newest run and where it stopped; "
                + "`logs test` prints what stage test's actions wrote; `test ls test` lists its test commands.",
            task: "Find out why it failed, fix the pipeline, and push again: done when a run gets through stage test.",
            hint: "The integration test needs to know the environment: the Makefile's integration-test checks ENV "
                + "(`test -n \"$(ENV)\"` in the log). Replace the test command:",
            solution: ["test rm test 2", "test add test \"make integration-test ENV=test\"", "push --yes"],
            check: checkPassedTest),
        TourExercise(
            title: "reject",
            explanation: "The new run passed the tests and now waits before prod for a person's approval: yours. A release "
                + "you do not want in production is rejected; its run ends there, and prod keeps what it had.",
            task: "Reject this release.",
            solution: ["reject prod"],
            check: { state in
                guard let run = state.run else { return "no run yet." }
                return run.state == .rejected ? nil : "the newest run is \(run.state.rawValue), not Rejected."
            }),
        TourExercise(
            title: "release, watch, approve",
            explanation: "`release` starts a new run of the pipeline as it was pushed. Inside `watch` you answer an approval "
                + "in place (a approves, r rejects); at the prompt, `approve prod` does the same.",
            task: "Start another run and let it reach prod: done when a run has succeeded.",
            solution: ["release", "approve prod"],
            check: { state in
                guard let run = state.run else { return "no run yet." }
                return run.state == .succeeded ? nil : "the newest run is \(run.state.rawValue)"
                    + (run.waitingApprovals.isEmpty ? "." : ", waiting for the approval before prod.")
            }),
    ]

    private static func checkSource(_ state: TourState) -> String? {
        guard let manifest = state.manifest else { return "there is no pipeline yet." }
        let repository = (manifest.source.properties.repository ?? "").lowercased()
            .replacingOccurrences(of: "https://github.com/", with: "")
        guard manifest.source.provider == .gitHub, ["acme/api", "acme/api.git", "acme/api/"].contains(repository) else {
            return "the source is \(manifest.source.provider) \(manifest.source.properties.repository ?? "(no repository)")."
        }
        return nil
    }

    private static func checkBuild(_ state: TourState) -> String? {
        let buildspec = state.manifest?.build?.buildspec
        return buildspec == "buildspec.yml" ? nil : "the build runs \(buildspec ?? "Copilot's buildspec")."
    }

    private static func checkStages(_ state: TourState) -> String? {
        let names = state.manifest?.stages.map(\.name) ?? []
        if names == ["test", "prod"] { return nil }
        return names.isEmpty ? "there are no stages yet."
            : "the stages are \(names.joined(separator: ", ")); test comes first, then prod (`stage move` reorders, `stage rm` removes)."
    }

    private static func checkUnitTest(_ state: TourState) -> String? {
        let commands = state.stage("test")?.testCommands ?? []
        return commands.contains("make test") ? nil
            : "stage test's test commands are: \(commands.isEmpty ? "none" : commands.joined(separator: "; "))."
    }

    private static func checkApproval(_ state: TourState) -> String? {
        state.stage("prod")?.requiresApproval == true ? nil : "prod does not wait for an approval yet."
    }

    /// What the first five exercises built, all still there.
    private static func built(_ state: TourState) -> String? {
        checkSource(state) ?? checkBuild(state) ?? checkStages(state) ?? checkUnitTest(state) ?? checkApproval(state)
    }

    private static func checkPassedTest(_ state: TourState) -> String? {
        guard let run = state.newRun else { return "no new run yet (the failed one is still the newest)." }
        if run.stages.first(where: { $0.name == StageName.deploy("test") })?.state == .succeeded { return nil }
        return "the newest run is \(run.state.rawValue)" + (run.failureReason.map { ": \($0)" } ?? ".")
    }
}
