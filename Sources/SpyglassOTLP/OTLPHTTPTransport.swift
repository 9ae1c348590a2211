@_spi(Export) import SpyglassExport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwiftProtobuf

/// OTLP/HTTP: each request a `POST` of a protobuf (or JSON) body to the signal's URL.
struct OTLPHTTPTransport: ExportTransport {
    private let client: HTTPClient
    private let url: String
    private let headers: HTTPHeaders

    init(_ otlp: OTLPConfiguration, signal: OTLPSignal, client: HTTPClient = .shared) {
        self.client = client
        url = otlp.resolvedEndpoint(signal.configurationSignal)
        let encodesJSON = otlp.transport == .httpJSON
        var headers = HTTPHeaders(otlp.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        headers.replaceOrAdd(name: "Content-Type", value: encodesJSON ? "application/json" : "application/x-protobuf")
        headers.replaceOrAdd(name: "User-Agent", value: OTLPExport.userAgent)
        self.headers = headers
    }

    func send(_ body: [UInt8], timeout: Duration) async throws(ExportFailure) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(timeout))
            // Read (and discard) what the collector says, so the connection can be kept for the next batch.
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            // Refused, reset or timed out: the collector may be back for the next attempt.
            throw ExportFailure(reason: "\(error)", isRetryable: true)
        }
        let status = response.status.code
        guard !(200..<300).contains(status) else { return }
        let retryable: Set<UInt> = [429, 502, 503, 504]
        throw ExportFailure(
            reason: "HTTP \(status)",
            isRetryable: retryable.contains(status),
            retryAfter: response.headers.first(name: "Retry-After").flatMap(ExportFailure.retryAfter),
            loss: status == 429 ? .rateLimited : .exportFailed
        )
    }

    func run() async throws {}

    func shutdown() {}
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// OTLP/JSON: protobuf's JSON mapping, except that trace and span ids are hex, not base64, and enums are numbers
/// (the OTLP specification's "JSON Protobuf Encoding").
enum OTLPJSON {
    private static let idKeys: Set<String> = ["traceId", "spanId", "parentSpanId"]

    static func encode(_ message: some SwiftProtobuf.Message) throws(ExportFailure) -> [UInt8] {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = true
        do {
            let canonical = try message.jsonUTF8Data(options: options)
            let object = try JSONSerialization.jsonObject(with: canonical)
            return Array(try JSONSerialization.data(withJSONObject: hexIDs(object)))
        } catch {
            throw ExportFailure(reason: "the request could not be encoded as JSON: \(error)", isRetryable: false)
        }
    }

    private static func hexIDs(_ value: Any) -> Any {
        if let array = value as? [Any] { return array.map(hexIDs) }
        guard let object = value as? [String: Any] else { return value }
        var result: [String: Any] = [:]
        for (key, member) in object {
            if idKeys.contains(key), let base64 = member as? String, let bytes = Data(base64Encoded: base64) {
                result[key] = bytes.map { String(format: "%02x", $0) }.joined()
            } else {
                result[key] = hexIDs(member)
            }
        }
        return result
    }
}
