import XCTest
import Manifest
@testable import CopilotRules

final class PipelineSourceTests: XCTestCase {
    private func source(_ provider: SourceProvider, _ properties: SourceProperties) throws -> PipelineSource {
        let manifest = PipelineManifest(name: "p", source: Source(provider: provider, properties: properties), stages: [Stage(name: "test")])
        return try PipelineValidator().validate(manifest).validated().source
    }

    /// GitHubV1 (what `copilot pipeline init --github-access-token` writes) is a token source;
    /// connections are Copilot's: looked up by connection_name, created as copilot-OWNER-REPO otherwise.
    func testSourcesAreCopilots() throws {
        XCTAssertEqual(try source(.gitHubV1, SourceProperties(repository: "https://github.com/acme/shop", branch: "main", accessTokenSecret: "gh-token")),
                       .gitHubToken(owner: "acme", repository: "shop", branch: "main", secretID: "gh-token"))
        XCTAssertEqual(try source(.gitHub, SourceProperties(repository: "acme/shop", accessTokenSecret: "gh-token")),
                       .gitHubToken(owner: "acme", repository: "shop", branch: "main", secretID: "gh-token"), "GitHub with a token secret")
        XCTAssertEqual(try source(.gitHub, SourceProperties(repository: "acme/shop", connectionName: "my-connection")),
                       .connection(provider: "GitHub", fullRepositoryID: "acme/shop", branch: "main",
                                   connection: .existing(name: "my-connection"), outputArtifactFormat: nil))
        XCTAssertEqual(try source(.bitbucket, SourceProperties(repository: "https://bitbucket.org/huanjani/a-very-long-repository-name")),
                       .connection(provider: "Bitbucket", fullRepositoryID: "huanjani/a-very-long-repository-name",
                                   branch: "main", connection: .created(name: "copilot-huanj-a-very-long-reposi"),
                                   outputArtifactFormat: nil))
        let console = RepositoryLocation.codeCommitURL(name: "shop", region: "eu-west-1")
        XCTAssertEqual(try source(.codeCommit, SourceProperties(repository: console, branch: "dev", outputArtifactFormat: "CODEBUILD_CLONE_REF")),
                       .codeCommit(repository: "shop", region: "eu-west-1", branch: "dev", outputArtifactFormat: "CODEBUILD_CLONE_REF"))
    }

    func testTheTokenSecretIsNamedAsPipelineInitNamesIt() {
        XCTAssertEqual(PipelineSource.tokenSecretName(application: "shop", repository: "api"), "github-token-shop-api")
    }
}
