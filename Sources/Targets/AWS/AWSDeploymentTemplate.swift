import AWS
import CopilotRules
import Foundation

// The template `push` deploys and `show template` prints: the plan rendered with what only AWS knows
// (the application's environments, regional resources and connections), overrides applied.

/// A rendered template, with the application and regional resources it was made from.
struct RenderedTemplate {
    var text: String
    var application: CopilotApplication
    var regionalResources: [RegionalResources]
}

extension AWSTarget {
    public func deploymentTemplate(_ pipeline: PipelineContext, plan: ([CopilotWorkload]?) throws -> PipelinePlan) async throws -> String {
        let aws = try aws()
        let registered = try await ApplicationLookup(aws: aws).workloads(pipeline.application)
        return try await rendered(pipeline, plan: try plan(registered), aws).text
    }

    /// The stack's template for the plan and the application's environments. Given `preparing` (a push that
    /// deploys), the application first gets its regional resources in the pipeline's region if it lacks them.
    func rendered(_ pipeline: PipelineContext, plan: PipelinePlan, _ aws: AWSClients,
                  preparing ui: (any TargetUI)? = nil) async throws -> RenderedTemplate {
        let lookup = ApplicationLookup(aws: aws)
        let region = aws.configuration.region.value
        let (application, environments) = try await lookup.application(pipeline.application)
        var regionalResources = try await lookup.regionalResources(application)
        if let ui, !regionalResources.contains(where: { $0.region == region }) {
            regionalResources = try await lookup.addRegionalStack(application, in: region, ui: ui)
        }
        try await lookup.checkAccountGrants(application, environments: plan.stages.compactMap { environments[$0.environment] },
                                            regionalResources: regionalResources)
        try PipelineRegion.check(plan.source, application: pipeline.application, region: region)
        var existingConnectionARN: String?
        if case .connection(_, _, _, .existing(let name), _) = plan.source {
            existingConnectionARN = try await lookup.connectionARN(named: name)
        }
        let input = PipelineTemplateInput(plan: plan, region: region, environments: environments, regionalResources: regionalResources,
                                          permissionsBoundary: application.permissionsBoundary,
                                          existingConnectionARN: existingConnectionARN,
                                          isLegacy: try await pipelineStack(pipeline, aws).isLegacy,
                                          additionalPolicy: pipeline.manifest.build?.additionalPolicy)
        do {
            let template = try await TemplateOverrides.apply(to: PipelineTemplate.make(input), of: pipeline, environment: environment)
            return RenderedTemplate(text: template.rendered(), application: application, regionalResources: regionalResources)
        } catch let error as AWSTargetError {
            throw AWSTargetError("\(pipeline.manifestPath): \(error.message)", hint: error.hint)
        }
    }

    /// Where push uploads the template: the application's bucket in the pipeline's region, under
    /// Copilot's key for it, so CloudFormation reads it by URL whatever its size.
    func templateObject(_ stackName: String, _ regionalResources: [RegionalResources],
                        _ aws: AWSClients) -> (bucket: String, key: String)? {
        regionalResources.first { $0.region == aws.configuration.region.value }.map { ($0.bucket, StackNames.templateObjectKey(stack: stackName)) }
    }

    public func environments(application: String) async throws -> [String]? {
        try await ApplicationLookup(aws: try aws()).application(application).1.keys.sorted()
    }

    public func registeredWorkloads(application: String) async throws -> [CopilotWorkload]? {
        try await ApplicationLookup(aws: try aws()).workloads(application)
    }
}
