import Foundation

/// The example workspace the tour works in (examples/quickstart: application demo, environments
/// test and prod, service api, a build with sh and make only), carried in the binary so an
/// installed sluice has it. `files` is generated from examples/quickstart at build time (the
/// EmbedExampleWorkspace plugin).
enum TourWorkspace {
    struct File {
        let path: String
        let contents: Data
        let executable: Bool

        init(path: String, base64: String, executable: Bool) {
            self.path = path
            // The generator wrote it: always valid.
            contents = Data(base64Encoded: base64)!
            self.executable = executable
        }
    }
}
