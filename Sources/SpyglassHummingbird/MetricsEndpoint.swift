public import Hummingbird
import HTTPTypes
import NIOCore
public import SpyglassMetrics

/// Who may read `/metrics`. Metrics reveal routes, traffic and versions; put them behind a credential when the
/// port is reachable by more than the scraper.
public enum MetricsAuthorization: Sendable, Hashable {
    /// `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).
    case bearer(token: String)
    /// `Authorization: Basic …` (Prometheus: `basic_auth`).
    case basic(username: String, password: String)

    /// Whether the request's `Authorization` header carries this credential. Compared in constant time.
    func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let expected: String
        switch self {
        case .bearer(let token): expected = "Bearer " + token
        case .basic(let username, let password): expected = "Basic " + Base64.encode(Array("\(username):\(password)".utf8))
        }
        let given = Array(header.utf8)
        let wanted = Array(expected.utf8)
        var difference = UInt8(given.count == wanted.count ? 0 : 1)
        for index in 0..<wanted.count { difference |= wanted[index] ^ (index < given.count ? given[index] : 0) }
        return difference == 0
    }

    var challenge: String {
        switch self {
        case .bearer: "Bearer realm=\"metrics\""
        case .basic: "Basic realm=\"metrics\""
        }
    }
}

extension Router {
    /// Serves `registry` at `GET path`: Prometheus text 0.0.4, or OpenMetrics with exemplars when the scrape's
    /// `Accept` header asks for it. With `authorization`, other callers get 401 and a challenge.
    public func addMetricsEndpoint(_ registry: MetricRegistry, path: RouterPath = "/metrics", authorization: MetricsAuthorization? = nil) {
        get(path) { request, _ -> Response in
            if let authorization, !authorization.accepts(request.headers[.authorization]) {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: authorization.challenge])
            }
            let format = ExpositionFormat(accept: request.headers[.accept])
            return Response(
                status: .ok,
                headers: [.contentType: format.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.render(format)))
            )
        }
    }
}

/// Standard base64 with padding, for the basic credential.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for (offset, byte) in chunk.enumerated() { value |= Int(byte) << (16 - offset * 8) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? alphabet[(value >> (18 - position * 6)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
