import Foundation
import PackagePlugin

/// Carries examples/quickstart in the binary (the tour's workspace: an installed sluice has no
/// examples/) without a copy of it in the sources: before each build, scripts/embed-files turns
/// the folder into one Swift file of base64 texts (`TourWorkspace.files`), rewritten only when it
/// would differ, so an unchanged example recompiles nothing. A prebuild command, because it runs
/// /bin/sh: a tool built from this package would be built with the fuzzer's sanitizer flags too.
@main
struct EmbedExampleWorkspace: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        return [.prebuildCommand(
            displayName: "Embedding examples/quickstart",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [package.appending(path: "scripts/embed-files").path, package.appending(path: "examples/quickstart").path,
                        output.appending(path: "TourWorkspaceFiles.swift").path],
            outputFilesDirectory: output
        )]
    }
}
