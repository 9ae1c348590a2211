/// A credential an endpoint asks for: `/metrics` (metrics reveal routes, traffic and versions) and the details of
/// the health endpoints (error texts and hosts reveal internals), when the port is reachable by more than the
/// scraper and the probes.
public enum EndpointCredential: Sendable, Hashable {
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

    /// The `WWW-Authenticate` value of a 401.
    func challenge(realm: String) -> String {
        switch self {
        case .bearer: "Bearer realm=\"\(realm)\""
        case .basic: "Basic realm=\"\(realm)\""
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
