import Foundation
import TestSupport
import XCTest

/// `pipeline new NAME type environments` and the stages it gets, through the real binary.
final class EnvironmentsPipelineShellTests: XCTestCase {
    func testAnEnvironmentsPipelineAndItsStages() throws {
        try assertGolden("environments-pipeline", [
            .script("""
                pipeline new environments type environments
                source set github acme/infra
                stage add test
                stage add prod
                approval on prod
                stage add test
                stage ls
                """),
            // Converges; a stage removed and added again gets its deploy-env back; the type of an existing pipeline stays.
            .script("pipeline new environments type environments; stage rm prod; stage add prod; pipeline new environments"),
            .script("pipeline new environments type workloads"),
            .script("pipeline new other type nonsense"),
        ], files: ["copilot/pipeline.yml"])
    }
}
