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
            PercentDecodedText.decoding(bytes) { decoded in
                // Only ASCII escapes are decoded, so the decoded bytes are valid UTF-8 whenever the text was.
                let decodedText = String(decoding: decoded.bytes, as: UTF8.self)
                let utf8 = decodedText.utf8
                return patterns.flatMap { pattern in
                    decodedText.ranges(of: pattern.regex).map { match in
                        let start = utf8.distance(from: utf8.startIndex, to: match.lowerBound)
                        return decoded.originalRange(of: start..<(start + utf8.distance(from: match.lowerBound, to: match.upperBound)))
                    }
                }
            } ?? []
        }
        guard !decodedMatches.isEmpty else { return text }
        return text.withUTF8Bytes { Self.replacing(Self.merged(decodedMatches), in: $0) }
    }

    /// Calls `body` with each credential the built-in detection finds in `text`, in order and without overlap,
    /// as ranges of its bytes, until `body` returns `false`.
    ///
    /// Callers copy the bytes before each range, write ``RedactionConfiguration/replacement`` and continue after
    /// it. Text holding a percent escape is read twice, as written and decoded (`%3A` as `:`, `+` as a space), and
    /// a credential found either way is given as the range of the original bytes it spans: in
    /// `password%3Dhunter2`, the range of `hunter2`. Text without a `%` is scanned once, as it is read.
    public func forEachSecret(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Bool) {
        guard isEnabled, text.count >= shortestSecret else { return }
        let scanner = SecretScanner(text: text, keys: keyMatcher)
        // The scan notes every `%` it passes before the first credential; the rest is searched only if one is found.
        var percentSeen = false
        let first = scanner.next(from: 0, percentSeen: &percentSeen)
        if percentSeen || first.map({ text[$0.lowerBound...].contains(UInt8(ascii: "%")) }) == true {
            let asWritten = first.map { [$0] + scanner.all(from: $0.upperBound) } ?? []
            let decoded = PercentDecodedText.decoding(text) { $0.secrets(keys: keyMatcher) } ?? []
            let all = decoded.isEmpty ? asWritten : Self.merged(asWritten + decoded)
            for secret in all where !body(secret) { return }
            return
        }
        guard var secret = first else { return }
        while body(secret), let next = scanner.next(from: secret.upperBound, percentSeen: &percentSeen) { secret = next }
    }

    /// `text` with every credential replaced: additional patterns first, then the built-in detection.
    public func redact(_ text: String) -> String {
        guard isEnabled else { return text }
        let text = applyingAdditionalPatterns(to: text)
        return text.withUTF8Bytes { bytes in
            var ranges: [Range<Int>] = []
            forEachSecret(in: bytes) { ranges.append($0); return true }
            return ranges.isEmpty ? text : Self.replacing(ranges, in: bytes)
        }
    }

    /// `bytes` with each of the sorted, disjoint `ranges` replaced.
    private static func replacing(_ ranges: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var position = 0
        for range in ranges {
            result.append(contentsOf: bytes[position..<range.lowerBound])
            result.append(contentsOf: RedactionConfiguration.replacement.utf8)
            position = range.upperBound
        }
        result.append(contentsOf: bytes[position...])
        return String(decoding: result, as: UTF8.self)
    }

    /// `ranges` sorted, overlapping and touching ones joined: one replacement each.
    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}

/// `Regex<AnyRegexOutput>` is immutable once built but not declared `Sendable`.
private struct SendableRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
}
