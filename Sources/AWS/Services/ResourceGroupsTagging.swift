/// AWS Resource Groups Tagging API (JSON 1.1): finding resources by tag.
public struct ResourceGroupsTagging: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct TagFilter: Codable, Sendable {
        public var key: String?
        public var values: [String]?
        public init(key: String, values: [String]? = nil) {
            self.key = key
            self.values = values
        }
    }

    public struct ResourceTagMapping: Codable, Sendable {
        public var resourceARN: String?
        public var tags: [AWSTag]?
    }

    public struct GetResourcesInput: Codable, Sendable {
        public var paginationToken: String?
        public var tagFilters: [TagFilter]?
        public var resourcesPerPage: Int?
        public var resourceTypeFilters: [String]?
        public var resourceARNList: [String]?
        public init(paginationToken: String? = nil, tagFilters: [TagFilter]? = nil, resourcesPerPage: Int? = nil,
                    resourceTypeFilters: [String]? = nil, resourceARNList: [String]? = nil) {
            self.paginationToken = paginationToken
            self.tagFilters = tagFilters
            self.resourcesPerPage = resourcesPerPage
            self.resourceTypeFilters = resourceTypeFilters
            self.resourceARNList = resourceARNList
        }
    }

    public struct GetResourcesOutput: Codable, Sendable {
        public var paginationToken: String?
        public var resourceTagMappingList: [ResourceTagMapping]?
    }

    public func getResources(_ input: GetResourcesInput) async throws -> GetResourcesOutput {
        try await client.call(.resourceGroupsTagging, "GetResources", input)
    }
}
