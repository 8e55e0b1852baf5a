import XCTest
@testable import CopilotRules

final class PipelineRegionTests: XCTestCase {
    /// Copilot refuses a CodeCommit repository outside the pipeline's region; a repository with no region is there.
    func testACodeCommitRepositoryMustBeInThePipelinesRegion() throws {
        let elsewhere = PipelineSource.codeCommit(repository: "shop", region: "eu-west-1", branch: "main", outputArtifactFormat: nil)
        XCTAssertThrowsError(try PipelineRegion.check(elsewhere, application: "shop", region: "us-east-1")) { error in
            XCTAssertEqual(error as? PipelineRegion,
                           .codeCommitElsewhere(repository: "shop", repositoryRegion: "eu-west-1", application: "shop", region: "us-east-1"))
            XCTAssertEqual((error as? PipelineRegion)?.problem.message,
                           "repository shop is in eu-west-1, but application shop is in us-east-1; they must be in the same region")
        }
        XCTAssertNoThrow(try PipelineRegion.check(elsewhere, application: "shop", region: "eu-west-1"))
        XCTAssertNoThrow(try PipelineRegion.check(.gitHubToken(owner: "a", repository: "b", branch: "main", secretID: "s"),
                                                  application: "shop", region: "us-east-1"))
    }
}
