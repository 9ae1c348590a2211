import SpyglassCore

/// Where and as whom a service sends its events over the Sentry protocol: `{scheme}://{public_key}@{host}[:port][/path]/{project}`,
/// as Sentry, GlitchTip and Bugsink hand them out.
///
/// The public key authenticates the sender; it is not meant to be secret from a browser, but it lets anyone file
/// events into the project, so Spyglass never writes it to a log line or an error message: ``description`` and
/// ``redacted`` show the DSN without it. A secret key (`public:secret@`, deprecated by Sentry) is accepted and
/// never sent or shown.
public struct SentryDSN: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// The host, with `[…]` kept around an IPv6 address.
    public let host: String
    public let port: Int?
    /// A path before `/api/`, without a trailing slash; empty for most servers.
    public let pathPrefix: String
    public let projectID: String
    /// The key `X-Sentry-Auth` names as `sentry_key`.
    public let publicKey: String

    /// Parses `text`; `nil` when it is not a DSN (``problem(with:)`` says why).
    public init?(_ text: String) {
        guard case .success(let dsn) = Self.parse(text) else { return nil }
        self = dsn
    }

    private init(scheme: String, host: String, port: Int?, pathPrefix: String, projectID: String, publicKey: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
        self.projectID = projectID
        self.publicKey = publicKey
    }

    /// Why `text` is not a DSN, or `nil` when it is.
    public static func problem(with text: String) -> String? {
        guard case .failure(let problem) = parse(text) else { return nil }
        return problem.reason
    }

    /// The envelope endpoint: `{scheme}://{host}[:port][/path]/api/{project}/envelope/`.
    public var envelopeURL: String { "\(origin)\(pathPrefix)/api/\(projectID)/envelope/" }

    /// The `X-Sentry-Auth` header's value, naming the client (`spyglass/0.1.0`).
    public func authorization(client: String) -> String {
        "Sentry sentry_version=7, sentry_key=\(publicKey), sentry_client=\(client)"
    }

    /// The DSN with its key left out: `https://***@errors.example.org/42`.
    public var redacted: String { Self.redacted(scheme: scheme, rest: "\(authority)\(pathPrefix)/\(projectID)") }

    public var description: String { redacted }

    private var authority: String { port.map { "\(host):\($0)" } ?? host }
    private var origin: String { "\(scheme)://\(authority)" }

    private static func redacted(scheme: String, rest: String) -> String { "\(scheme)://***@\(rest)" }

    private struct Problem: Error {
        let reason: String
    }

    private static func parse(_ text: String) -> Result<SentryDSN, Problem> {
        let text = text.trimmingWhitespace()
        guard let schemeEnd = text.firstRange(of: "://") else {
            return .failure(Problem(reason: "no scheme: a DSN starts with https:// (or http://)"))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else {
            return .failure(Problem(reason: "the scheme is neither https nor http"))
        }
        let rest = text[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else {
            return .failure(Problem(reason: "no key: a DSN is https://KEY@HOST/PROJECT"))
        }
        let credentials = rest[..<at]
        let publicKey = String(credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
        guard !publicKey.isEmpty, publicKey.utf8.count <= 256, publicKey.utf8.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }) else {
            return .failure(Problem(reason: "the key before @ must be 1–256 letters, digits or -"))
        }
        var location = rest[rest.index(after: at)...]
        if let query = location.firstIndex(where: { $0 == "?" || $0 == "#" }) { location = location[..<query] }
        guard let slash = location.firstIndex(of: "/") else {
            return .failure(Problem(reason: "no project: a DSN ends in /PROJECT"))
        }
        let authority = location[..<slash]
        var path = location[location.index(after: slash)...]
        while path.hasSuffix("/") { path = path.dropLast() }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let project = segments.last, !project.isEmpty, project.utf8.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else {
            return .failure(Problem(reason: "the project after the last / must be letters, digits, - or _"))
        }
        guard segments.dropLast().allSatisfy({ !$0.isEmpty && !$0.contains(where: { $0 == "%" || $0 == "\\" || $0 == " " }) }) else {
            return .failure(Problem(reason: "the path before the project has an empty, escaped or spaced segment"))
        }
        let pathPrefix = segments.dropLast().map { "/" + $0 }.joined()
        guard let (host, port) = hostAndPort(authority) else {
            return .failure(Problem(reason: "the host must be a name or address, with an optional port from 1 to 65535"))
        }
        return .success(SentryDSN(scheme: scheme, host: host, port: port, pathPrefix: pathPrefix, projectID: String(project), publicKey: publicKey))
    }

    private static func hostAndPort(_ authority: Substring) -> (String, Int?)? {
        var host = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
            host = authority[..<colon]
            port = number
        }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.utf8.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ":") })
        else { return nil }
        if let port, !(1...65_535).contains(port) { return nil }
        return (String(host), port)
    }
}
