import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTPS front for an upstream server, an HTTP proxy and a port that never lets a connection
/// complete, on 127.0.0.1 (Tests/Harness/proxy_stand_ins.py): what a company puts between a
/// client and AWS.
public final class ProxyStandIns: @unchecked Sendable {
    /// `https://localhost:PORT`: the upstream over TLS, with a certificate `caFile` vouches for.
    public let httpsEndpoint: String
    /// `http://127.0.0.1:PORT`: a proxy that tunnels CONNECT and forwards absolute-form requests.
    public let proxyEndpoint: String
    /// The PEM of the certificate authority that signed the HTTPS front's certificate.
    public let caFile: String
    /// `http://127.0.0.1:PORT` where connecting never completes (the SYN is dropped).
    public let unconnectableEndpoint: String
    private let control: String
    private let harness: HarnessProcess

    public init(upstream: String) throws {
        harness = try HarnessProcess("proxy_stand_ins.py", [upstream], missing: "is the cryptography package installed? (moto brings it)")
        control = "http://127.0.0.1:\(harness.port)"
        struct Info: Decodable { let https_port: Int, proxy_port: Int, unconnectable_port: Int, ca_file: String }
        let info = try JSONDecoder().decode(Info.self, from: Data(contentsOf: URL(string: control + "/info")!))
        httpsEndpoint = "https://localhost:\(info.https_port)"
        proxyEndpoint = "http://127.0.0.1:\(info.proxy_port)"
        caFile = info.ca_file
        unconnectableEndpoint = "http://127.0.0.1:\(info.unconnectable_port)"
    }

    public func stop() { harness.stop() }

    public struct Request: Decodable, Equatable, Sendable {
        public let method: String
        public let target: String
        public let authorization: String?

        public init(method: String, target: String, authorization: String?) {
            self.method = method
            self.target = target
            self.authorization = authorization
        }
    }

    /// Forgets the requests seen so far; from now on the proxy requires `credentials`
    /// (`user:password`) or, when nil, none.
    public func reset(requiring credentials: String? = nil) async throws {
        var request = URLRequest(url: URL(string: control + "/proxy/reset")!)
        request.httpMethod = "POST"
        request.httpBody = Data((credentials ?? "").utf8)
        _ = try await URLSession.shared.data(for: request)
    }

    /// Every request the proxy saw since the last reset, in order.
    public func requests() async throws -> [Request] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: control + "/proxy/requests")!)
        return try JSONDecoder().decode([Request].self, from: data)
    }
}
