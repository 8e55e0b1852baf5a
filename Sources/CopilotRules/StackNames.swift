// The names Copilot gives an application's CloudFormation stacks, its StackSet and the objects it
// uploads (internal/pkg/deploy/cloudformation/stack/name.go, deploy/cloudformation/pipeline.go).

public enum StackNames {
    /// CloudFormation's limit on stack names.
    public static let maxLength = 128

    /// The stack Copilot (since v1.16) deploys pipeline `pipeline` of `application` as. A pipeline Copilot
    /// deployed before then keeps the manifest's name (see ``ResourceTags/marksLegacyPipeline(_:application:)``).
    public static func pipeline(application: String, pipeline: String) -> String {
        "pipeline-\(application)-\(pipeline)"
    }

    /// The StackSet holding the application's regional resources (artifact bucket, KMS key), one stack
    /// instance per region.
    public static func applicationStackSet(_ application: String) -> String {
        "\(application)-infrastructure"
    }

    /// The stack a pipeline's deploy action creates or updates for a workload, unless `stack_name` says otherwise.
    public static func workload(application: String, environment: String, workload: String) -> String {
        "\(application)-\(environment)-\(workload)"
    }

    /// The CodePipeline in a pipeline's stack: Copilot finds it by this logical ID and type
    /// (deploy/cloudformation/pipeline.go pipelinePhysicalResourceID), whoever deployed the stack.
    public static let pipelineResource = "Pipeline"
    public static let pipelineResourceType = "AWS::CodePipeline::Pipeline"
    /// The pipeline stack's output naming the CodeStar connection of its source; after creating the stack, Copilot
    /// waits for that connection to become AVAILABLE.
    public static let connectionOutput = "PipelineConnectionARN"

    /// What Copilot acknowledges for every stack it deploys, the pipeline's (cloudformation.toStackFromS3) and, in
    /// the deploy actions, the workloads': IAM resources, named ones, and macros (a `Transform` an override adds).
    public static let capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]

    /// The file `package --output-dir` writes a stack's template to, as Copilot's package names its files (`NAME.stack.yml`).
    public static func packagedTemplateFile(stack: String) -> String {
        "\(stack).stack.yml"
    }

    /// Where a pipeline's template is uploaded in the application's bucket, so CloudFormation reads it by URL.
    public static func templateObjectKey(stack: String) -> String {
        "\(stack).pipeline.stack.yml"
    }
}
