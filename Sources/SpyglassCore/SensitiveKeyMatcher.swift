/// Decides whether a metadata key names a credential.
///
/// Keys are normalised to lowercase segments joined by `_` (camelCase and `-` `.` ` ` `:` `/` split segments),
/// then checked against terms that match anywhere and terms that must be a whole segment. A filter of the
/// terms' first three bytes rejects almost every ordinary key before it is even normalised.
final class SensitiveKeyMatcher: Sendable {
    /// The longest key prefix examined; longer keys are judged on their first bytes.
    static let maxKeyLength = 256

    private let anywhere: [[UInt8]]
    private let segments: [[UInt8]]
    private let allowed: [[UInt8]]
    /// Bit ``trigramBit(_:_:_:)`` is set for the first three bytes of every term.
    private let leadingTrigrams: [UInt64]
    /// Whether every term starts with three letters or digits; only then can the raw key be pre-filtered.
    private let canPrefilter: Bool
    /// The fewest bytes a raw key can have and still match: normalisation only lowercases, turns separators
    /// into `_` and inserts `_`, so a match needs at least the letters and digits of the shortest term.
    let shortestMatch: Int
    private static let trigramBits = 1 << 13

    init(_ configuration: RedactionConfiguration) {
        func normalised(_ text: String) -> [UInt8] {
            var text = text
            return text.withUTF8 { Self.normalise($0[...]) }
        }
        anywhere = (RedactionConfiguration.defaultKeyTerms + configuration.additionalKeys).map(normalised).filter { !$0.isEmpty }
        segments = RedactionConfiguration.defaultKeySegments.map(normalised)
        allowed = configuration.allowedKeys.map(normalised)
        var trigrams = [UInt64](repeating: 0, count: Self.trigramBits / 64)
        for term in anywhere + segments where term.count >= 3 {
            let bit = Self.trigramBit(term[0], term[1], term[2])
            trigrams[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        leadingTrigrams = trigrams
        shortestMatch = max(1, (anywhere + segments).map { $0.count { $0 != UInt8(ascii: "_") } }.min() ?? 1)
        canPrefilter = (anywhere + segments).allSatisfy { $0.count >= 3 && $0.prefix(3).allSatisfy(\.isASCIIAlphanumeric) }
    }

    @inline(__always)
    private static func trigramBit(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        (Int(a) << 8 ^ Int(b) << 4 ^ Int(c)) & (trigramBits - 1)
    }

    func matches(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard mayContainTerm(key) else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxKeyLength) { buffer in
            let count = Self.normalise(key, into: buffer)
            return matchesNormalised(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Normalisation only lowercases, turns separators into `_` or inserts `_`, so three letters or digits
    /// adjacent in the normalised key are adjacent in the raw key: a raw key holding no term's first three
    /// bytes cannot match.
    private func mayContainTerm(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard canPrefilter else { return true }
        let raw = UnsafeBufferPointer(rebasing: key)
        guard raw.count >= 3, let bytes = raw.baseAddress else { return false }
        return leadingTrigrams.withUnsafeBufferPointer { trigrams in
            guard let bits = trigrams.baseAddress else { return false }
            var a = bytes[0].asciiLowercased
            var b = bytes[1].asciiLowercased
            for index in 2..<raw.count {
                let c = bytes[index].asciiLowercased
                let bit = Self.trigramBit(a, b, c)
                if bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { return true }
                (a, b) = (b, c)
            }
            return false
        }
    }

    private func matchesNormalised(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !key.isEmpty else { return false }
        let candidate = key.indices.contains { termMatches(key, at: $0) }
        guard candidate else { return false }
        for term in allowed where term.count == key.count && key.hasPrefix(term, at: 0) { return false }
        return true
    }

    private func termMatches(_ key: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        for term in anywhere where key.hasPrefix(term, at: position) { return true }
        let underscore = UInt8(ascii: "_")
        guard position == 0 || key[position - 1] == underscore else { return false }
        for term in segments where key.hasPrefix(term, at: position) {
            let end = position + term.count
            if end == key.count || key[end] == underscore { return true }
        }
        return false
    }

    static func normalise(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxKeyLength) { buffer in
            Array(buffer[..<normalise(key, into: buffer)])
        }
    }

    /// Writes the normalised form of `key` into `output` and returns its length.
    static func normalise(_ key: Slice<UnsafeBufferPointer<UInt8>>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let underscore = UInt8(ascii: "_")
        var count = 0
        var previous: UInt8 = 0
        var index = key.startIndex
        while index < key.endIndex, count < output.count - 1 {
            let byte = key[index]
            if byte.isASCIIUpper {
                let next: UInt8 = index + 1 < key.endIndex ? key[index + 1] : 0
                let startsWord = previous.isASCIILower || previous.isASCIIDigit || (previous.isASCIIUpper && next.isASCIILower)
                if startsWord, count > 0, output[count - 1] != underscore {
                    output[count] = underscore
                    count += 1
                }
                output[count] = byte | 0x20
                count += 1
            } else if byte.isKeySeparator {
                if count > 0, output[count - 1] != underscore {
                    output[count] = underscore
                    count += 1
                }
            } else {
                output[count] = byte
                count += 1
            }
            previous = byte
            index += 1
        }
        while count > 0, output[count - 1] == underscore { count -= 1 }
        return count
    }
}

extension UInt8 {
    var isKeySeparator: Bool {
        switch self {
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether `prefix` occurs at `position`.
    func hasPrefix(_ prefix: [UInt8], at position: Int) -> Bool {
        guard position >= 0, position + prefix.count <= count else { return false }
        for offset in prefix.indices where self[position + offset] != prefix[offset] { return false }
        return true
    }
}
