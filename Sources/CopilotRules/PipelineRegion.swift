import Errors

/// Copilot's rule for regions: a pipeline lives in the region of Copilot's session, the profile's region as
/// the AWS CLI resolves it, where the application's SSM records are read. A CodeCommit repository given by
/// name is taken to be in that region (``RepositoryLocation/codeCommitConsoleURL(_:region:)``), and one in
/// another region is refused (cli/pipeline_init.go, parseCodeCommitRepoDetails).
public enum PipelineRegion: ReportableError, Equatable {
    case codeCommitElsewhere(repository: String, repositoryRegion: String, application: String, region: String)

    /// Refuses a source that cannot be deployed with a pipeline in `region`.
    public static func check(_ source: PipelineSource, application: String, region: String) throws {
        if case .codeCommit(let repository, let repositoryRegion?, _, _) = source, repositoryRegion != region {
            throw codeCommitElsewhere(repository: repository, repositoryRegion: repositoryRegion, application: application, region: region)
        }
    }

    public var problem: Problem {
        switch self {
        case .codeCommitElsewhere(let repository, let repositoryRegion, let application, let region):
            return Problem("repository \(repository) is in \(repositoryRegion), but application \(application) is in \(region); "
                           + "they must be in the same region", hint: "Copilot refuses a CodeCommit repository in another region too")
        }
    }
}
