import Foundation

/// Amazon S3 (REST): the objects sluice keeps in an application's bucket.
public struct S3: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    /// Path-style for an explicit endpoint (moto, LocalStack), whose host names no bucket;
    /// virtual-hosted at AWS, the only style buckets made since 2020 are sure to answer.
    /// Bucket names and the keys sluice writes are unreserved characters and `/` only, so the
    /// path signs as written.
    private func location(bucket: String, key: String) -> (client: AWSClient, path: String) {
        guard client.configuration.usesDefaultEndpoint(for: .s3) else { return (client, "/\(bucket)/\(key)") }
        let host = String(objectURL(bucket: bucket, key: "").dropLast())
        return (AWSClient(configuration: client.configuration.replacingEndpoint(host), retryPolicy: client.retryPolicy), "/\(key)")
    }

    /// The object's virtual-hosted URL, as CloudFormation's TemplateURL takes it.
    public func objectURL(bucket: String, key: String) -> String {
        let region = client.configuration.region.value
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://\(bucket).s3.\(region).\(suffix)/\(key)"
    }

    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String) async throws {
        let (client, path) = location(bucket: bucket, key: key)
        _ = try await client.rest(.s3, "PutObject", method: "PUT", path: path,
                                  headers: [(name: "Content-Type", value: contentType)], body: body)
    }

    public func deleteObject(bucket: String, key: String) async throws {
        let (client, path) = location(bucket: bucket, key: key)
        _ = try await client.rest(.s3, "DeleteObject", method: "DELETE", path: path)
    }

    /// The keys of the bucket's objects that start with `prefix` (ListObjectsV2, every page).
    public func listKeys(bucket: String, prefix: String) async throws -> [String] {
        let (client, path) = location(bucket: bucket, key: "")
        var keys: [String] = []
        var continuation: String?
        repeat {
            let query = [(name: "list-type", value: "2"), (name: "prefix", value: prefix)]
                + (continuation.map { [(name: "continuation-token", value: $0)] } ?? [])
            let response = try await client.rest(.s3, "ListObjectsV2", method: "GET", path: path, query: query)
            let result = try XMLNode.parse(response.body)
            keys += result.children.filter { $0.name == "Contents" }.compactMap { $0.child("Key")?.text }
            continuation = result.child("IsTruncated")?.text == "true" ? result.child("NextContinuationToken")?.text : nil
        } while continuation != nil
        return keys
    }
}
