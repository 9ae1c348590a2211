/// Decides whether a metadata key names a credential.
///
/// Keys are normalised to lowercase segments joined by `_` (camelCase and `-` `.` ` ` `:` `/` split segments),
/// then checked against terms that match anywhere and terms that must be a whole segment.
struct SensitiveKeyMatcher: Sendable {
    /// The longest key prefix examined; longer keys are judged on their first bytes.
    static let maxKeyLength = 256

    private let anywhere: [[UInt8]]
    private let segments: [[UInt8]]
    private let allowed: [[UInt8]]
    /// Index of `anywhere` terms by first byte, so each key position checks only the terms that can start there.
    private let byFirstByte: [[Int]]

    init(_ configuration: RedactionConfiguration) {
        func normalised(_ text: String) -> [UInt8] {
            var text = text
            return text.withUTF8 { Self.normalise($0[...]) }
        }
        anywhere = (RedactionConfiguration.defaultKeyTerms + configuration.additionalKeys).map(normalised).filter { !$0.isEmpty }
        segments = RedactionConfiguration.defaultKeySegments.map(normalised)
        allowed = configuration.allowedKeys.map(normalised)
        var index = [[Int]](repeating: [], count: 256)
        for (offset, term) in anywhere.enumerated() { index[Int(term[0])].append(offset) }
        byFirstByte = index
    }

    func matches(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxKeyLength) { buffer in
            let count = Self.normalise(key, into: buffer)
            let normalised = UnsafeBufferPointer(rebasing: buffer[..<count])
            return matchesNormalised(normalised)
        }
    }

    private func matchesNormalised(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !key.isEmpty else { return false }
        for term in allowed where term.count == key.count && key.hasPrefix(term, at: 0) { return false }
        for position in key.indices {
            for termIndex in byFirstByte[Int(key[position])] where key.hasPrefix(anywhere[termIndex], at: position) {
                return true
            }
        }
        var segmentStart = 0
        for position in 0...key.count where position == key.count || key[position] == UInt8(ascii: "_") {
            let segment = UnsafeBufferPointer(rebasing: key[segmentStart..<position])
            for term in segments where term.count == segment.count && segment.hasPrefix(term, at: 0) { return true }
            segmentStart = position + 1
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
            let next: UInt8 = index + 1 < key.endIndex ? key[index + 1] : 0
            if byte.isASCIIUpper {
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
    var isASCIIUpper: Bool { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") }
    var isASCIILower: Bool { self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z") }
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isASCIIAlphanumeric: Bool { isASCIIUpper || isASCIILower || isASCIIDigit }
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
