/// Finds credentials in log keys and text, as configured by ``RedactionConfiguration``.
///
/// The built-in detection is a single forward scan over UTF-8 bytes with no allocation, cheap enough to run on
/// every value of every log line; ``RedactionConfiguration/additionalPatterns`` run as `Regex`es first and cost
/// accordingly.
public final class Redactor: Sendable {
    /// Whether redaction is on.
    public let isEnabled: Bool
    /// Whether user-supplied patterns have to run before the built-in scan. Stored rather than computed from
    /// the pattern list: it is read for every logged value, from another module.
    public let hasAdditionalPatterns: Bool

    private let keyMatcher: SensitiveKeyMatcher
    private let keyDecisions = KeyDecisionCache()
    private let patterns: [SendableRegex]
    /// No credential the scan finds is shorter: `key=v` with the shortest sensitive key, or `://:p@`. Short
    /// values (status codes, methods, small numbers) are common and skip the scan.
    private let shortestSecret: Int

    /// Builds a redactor.
    ///
    /// - Throws: ``ConfigurationError`` when an additional pattern is not a valid regular expression.
    public init(_ configuration: RedactionConfiguration = RedactionConfiguration()) throws(ConfigurationError) {
        isEnabled = configuration.isEnabled
        keyMatcher = SensitiveKeyMatcher(configuration)
        shortestSecret = min(6, keyMatcher.shortestMatch + 2)
        var patterns: [SendableRegex] = []
        for pattern in configuration.additionalPatterns {
            do {
                patterns.append(SendableRegex(regex: try Regex(pattern)))
            } catch {
                throw ConfigurationError(
                    variable: "redaction.additionalPatterns",
                    value: pattern,
                    allowed: "a valid Swift regular expression (\(error))"
                )
            }
        }
        self.patterns = patterns
        hasAdditionalPatterns = !patterns.isEmpty
    }

    /// Whether the whole value stored under `key` must be hidden.
    public func isSensitiveKey(_ key: String) -> Bool {
        key.withUTF8Bytes { isSensitiveKey(utf8: $0) }
    }

    /// ``isSensitiveKey(_:)`` for a key's UTF-8 bytes. Decisions for recently seen keys are cached.
    public func isSensitiveKey(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isEnabled else { return false }
        if let decision = keyDecisions.decision(for: key) { return decision }
        let decision = keyMatcher.matches(key[...])
        keyDecisions.store(decision, for: key)
        return decision
    }

    /// Applies the additional patterns, replacing each match with the replacement text. Like the built-in
    /// detection, they also read text with percent escapes decoded; a match there replaces the original bytes
    /// it came from.
    public func applyingAdditionalPatterns(to text: String) -> String {
        guard isEnabled, hasAdditionalPatterns else { return text }
        var text = text
        for pattern in patterns { text.replace(pattern.regex, with: RedactionConfiguration.replacement) }
        let decodedMatches: [Range<Int>] = text.withUTF8Bytes { bytes in
            guard let decoded = PercentDecodedText(bytes) else { return [] }
            // Only ASCII escapes are decoded, so the decoded bytes are valid UTF-8 whenever the text was.
            let decodedText = String(decoding: decoded.bytes, as: UTF8.self)
            let utf8 = decodedText.utf8
            return patterns.flatMap { pattern in
                decodedText.ranges(of: pattern.regex).map { match in
                    decoded.originalRange(of: utf8.distance(from: utf8.startIndex, to: match.lowerBound)..<utf8.distance(from: utf8.startIndex, to: match.upperBound))
                }
            }
        }
        guard !decodedMatches.isEmpty else { return text }
        return text.withUTF8Bytes { bytes in
            var result: [UInt8] = []
            var position = 0
            for match in SecretRanges.merged(decodedMatches) where !match.isEmpty {
                result.append(contentsOf: bytes[position..<match.lowerBound])
                result.append(contentsOf: RedactionConfiguration.replacement.utf8)
                position = match.upperBound
            }
            result.append(contentsOf: bytes[position...])
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// The credentials the built-in detection finds in `text`, in order, as ranges of its bytes.
    public func secrets(in text: UnsafeBufferPointer<UInt8>) -> SecretRanges {
        SecretRanges(text: text, scanner: SecretScanner(text: text, keys: keyMatcher), scans: isEnabled && text.count >= shortestSecret)
    }

    /// `text` with every credential replaced: additional patterns first, then the built-in detection.
    public func redact(_ text: String) -> String {
        guard isEnabled else { return text }
        let text = applyingAdditionalPatterns(to: text)
        return text.withUTF8Bytes { bytes in
            var secrets = secrets(in: bytes)
            guard var secret = secrets.next() else { return text }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var position = 0
            while true {
                result.append(contentsOf: bytes[position..<secret.lowerBound])
                result.append(contentsOf: RedactionConfiguration.replacement.utf8)
                position = secret.upperBound
                guard let following = secrets.next() else { break }
                secret = following
            }
            result.append(contentsOf: bytes[position...])
            return String(decoding: result, as: UTF8.self)
        }
    }
}

/// `Regex<AnyRegexOutput>` is immutable once built but not declared `Sendable`.
private struct SendableRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
}
