package import Logging

/// The request headers a failed request's `request_completed` line carries as `request_headers`, so the error
/// report shows what the client sent: every field by its lowercase name, repeated fields joined with `, `.
///
/// Hostile input is bounded here and redacted where the line is written: at most ``fieldLimit`` fields, names of at
/// most ``nameLimit`` bytes (longer ones are left out), a repeated field's values joined up to ``valueLimit``, each
/// value cut like any logged string; a field whose name names a credential (`Authorization`, `Cookie`, `X-Api-Key`,
/// …) is replaced whole and every other value is scanned for credentials. Bodies are never read.
package enum FailedRequestHeaders {
    /// The most fields kept.
    package static let fieldLimit = 32
    /// The longest name kept, in bytes.
    package static let nameLimit = 64
    /// The length, in bytes, past which a repeated field's further values are left out.
    package static let valueLimit = 4_096

    /// The fields of `headers`, bounded.
    package static func metadata(of headers: some HTTPHeaderLookup) -> Logger.Metadata {
        var metadata = Logger.Metadata()
        headers.forEachField { name, value in
            guard name.utf8.count <= nameLimit else { return }
            let key = name.lowercased()
            if case .string(let earlier) = metadata[key] {
                if earlier.utf8.count < valueLimit { metadata[key] = .string(earlier + ", " + value) }
            } else if metadata.count < fieldLimit {
                metadata[key] = .string(value)
            }
        }
        return metadata
    }
}
