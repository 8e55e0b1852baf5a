// The CodeBuild buildspec (version 0.2) as plain values: what the local target runs
// for the Build stage and for pre/post-deployment actions.
//
// Model only; BuildspecParser.swift reads it from YAML with located errors.

/// A buildspec file: `version`, `env`, `phases`, `artifacts`.
public struct Buildspec: Equatable, Sendable {
    /// Always "0.2": the only version whose semantics (one shell for all commands) we implement.
    public var version: String
    public var env: BuildspecEnvironment
    /// The phases present in the file, in execution order (install, pre_build, build, post_build).
    public var phases: [BuildPhase]
    public var artifacts: BuildArtifacts?

    public init(version: String = "0.2", env: BuildspecEnvironment = BuildspecEnvironment(),
                phases: [BuildPhase] = [], artifacts: BuildArtifacts? = nil) {
        self.version = version
        self.env = env
        self.phases = phases
        self.artifacts = artifacts
    }

    /// The phase named `name`, if the file has it.
    public func phase(_ name: BuildPhase.Name) -> BuildPhase? {
        phases.first { $0.name == name }
    }
}

/// `env`: what the build's shell sees besides CodeBuild's own variables.
public struct BuildspecEnvironment: Equatable, Sendable {
    /// `env.variables`, in file order; every value kept as text.
    public var variables: [(name: String, value: String)]
    /// `env.shell` (`bash`, `/bin/sh`); nil means /bin/sh.
    public var shell: String?
    /// Variables whose values come from AWS (`parameter-store`, `secrets-manager`), which a
    /// machine without AWS cannot resolve: the local build reports them and leaves them unset.
    public var remoteVariables: [String]

    public init(variables: [(name: String, value: String)] = [], shell: String? = nil, remoteVariables: [String] = []) {
        self.variables = variables
        self.shell = shell
        self.remoteVariables = remoteVariables
    }

    public static func == (lhs: BuildspecEnvironment, rhs: BuildspecEnvironment) -> Bool {
        lhs.variables.map(\.name) == rhs.variables.map(\.name)
            && lhs.variables.map(\.value) == rhs.variables.map(\.value)
            && lhs.shell == rhs.shell && lhs.remoteVariables == rhs.remoteVariables
    }
}

/// One of the four phases.
public struct BuildPhase: Equatable, Sendable {
    public enum Name: String, CaseIterable, Sendable {
        case install
        case preBuild = "pre_build"
        case build
        case postBuild = "post_build"
    }

    /// `on-failure`: what a failing command does to the rest of the phase.
    public enum OnFailure: String, Equatable, Sendable {
        /// Stop the build (CodeBuild's default).
        case abort = "ABORT"
        /// Record the failure and carry on with the next phase.
        case `continue` = "CONTINUE"
    }

    public var name: Name
    public var commands: [String]
    public var onFailure: OnFailure
    /// `finally`: run after `commands`, whether they failed or not.
    public var finally: [String]

    public init(name: Name, commands: [String] = [], onFailure: OnFailure = .abort, finally: [String] = []) {
        self.name = name
        self.commands = commands
        self.onFailure = onFailure
        self.finally = finally
    }
}

/// `artifacts`: the files the build hands to the deploy stages.
public struct BuildArtifacts: Equatable, Sendable {
    /// Glob patterns relative to `baseDirectory` (`*`, `**`, `?`).
    public var files: [String]
    /// Relative to the source directory; nil is the source directory itself.
    public var baseDirectory: String?
    /// Put every matched file at the top of the artifact, without its directories.
    public var discardPaths: Bool
    /// `exclude-paths`: globs, relative to `baseDirectory`, of files left out even when matched.
    public var excludePaths: [String]

    public init(files: [String], baseDirectory: String? = nil, discardPaths: Bool = false, excludePaths: [String] = []) {
        self.files = files
        self.baseDirectory = baseDirectory
        self.discardPaths = discardPaths
        self.excludePaths = excludePaths
    }
}
