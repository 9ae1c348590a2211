@_spi(Export) import SpyglassExport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// OTLP/gRPC: the collector services' unary `Export` calls over one HTTP/2 connection.
struct OTLPGRPCTransport: ExportTransport {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let metadata: Metadata
    private let method: MethodDescriptor

    /// - Throws: ``OTLPEndpointError`` when the signal's endpoint names no host.
    init(_ otlp: OTLPConfiguration, signal: OTLPSignal) throws {
        method = MethodDescriptor(fullyQualifiedService: signal.grpcService, method: "Export")
        let endpoint = otlp.resolvedEndpoint(signal.configurationSignal)
        guard let url = URLComponents(string: endpoint), let host = url.host, !host.isEmpty else {
            throw OTLPEndpointError(endpoint: endpoint)
        }
        let secure = url.scheme == "https"
        let transport = try HTTP2ClientTransport.Posix(
            target: .dns(host: host, port: url.port ?? 4317),
            transportSecurity: secure ? .tls : .plaintext
        )
        client = GRPCClient(transport: transport)
        var metadata = Metadata()
        for (key, value) in otlp.headers.sorted(by: { $0.key < $1.key }) { metadata.addString(value, forKey: key.lowercased()) }
        metadata.replaceOrAddString(OTLPExport.userAgent, forKey: "user-agent")
        self.metadata = metadata
    }

    func send(_ request: [UInt8], timeout: Duration) async throws(ExportFailure) {
        var options = CallOptions.defaults
        options.timeout = timeout
        do {
            try await client.unary(
                request: ClientRequest(message: request, metadata: metadata),
                descriptor: method,
                serializer: EncodedRequestSerializer(),
                deserializer: DiscardingDeserializer(),
                options: options
            ) { response in _ = try response.message }
        } catch let error as RPCError {
            // The codes the OTLP specification lists as transient.
            let retryable: Set<RPCError.Code> = [.cancelled, .deadlineExceeded, .resourceExhausted, .aborted, .outOfRange, .unavailable, .dataLoss]
            throw ExportFailure(reason: "gRPC \(error.code): \(error.message)", isRetryable: retryable.contains(error.code))
        } catch {
            throw ExportFailure(reason: "\(error)", isRetryable: true)
        }
    }

    func run() async throws {
        try await client.runConnections()
    }

    func shutdown() {
        client.beginGracefulShutdown()
    }
}

/// An OTLP gRPC endpoint that names no host.
struct OTLPEndpointError: Error, CustomStringConvertible {
    var endpoint: String
    var description: String { "the OTLP endpoint \(endpoint) names no host" }
}

/// The request as it was encoded.
private struct EncodedRequestSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ request: [UInt8]) throws -> Bytes {
        Bytes(request)
    }
}

/// The collector's answer is read and not kept: a partial success has already been counted by the collector, and
/// nothing in it can be sent again.
private struct DiscardingDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Void {}
}
