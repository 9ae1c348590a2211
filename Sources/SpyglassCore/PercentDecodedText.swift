/// Text read the way a URL's reader reads it, `%3A` as `:` and `+` as a space, with where each decoded byte came
/// from: a credential found in the decoded text is cut out of the original, which is left as it was everywhere
/// else.
///
/// Only escapes of ASCII bytes are decoded. Credentials and what frames them (`:`, `/`, `@`, `=`, quotes) are
/// ASCII, and leaving `%C3%A9` encoded keeps the decoded text valid UTF-8 with offsets that map back exactly.
/// A URL nested in a query value is encoded twice (`%253A`), so decoding repeats, at most
/// ``maximumRounds`` times, while escapes remain.
struct PercentDecodedText {
    static let maximumRounds = 3

    /// The decoded bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// `origins[i]` is where decoded byte `i` starts in the original; `origins[bytes.count]` is its length.
    private let origins: UnsafeBufferPointer<Int>

    /// Calls `body` with `text` decoded, in temporary memory that lives as long as the call; `nil` without calling
    /// it when `text` holds no escape of an ASCII byte (then there is nothing new to read).
    static func decoding<Result>(_ text: UnsafeBufferPointer<UInt8>, _ body: (PercentDecodedText) -> Result) -> Result? {
        guard firstEscape(in: text) != nil else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { bytes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: text.count + 1) { origins in
                _ = bytes.initialize(from: text)
                for index in origins.indices { origins.initializeElement(at: index, to: index) }
                // Decoding never lengthens the text, so each round writes over what it has already read.
                var count = text.count
                for round in 0..<maximumRounds {
                    if round > 0, firstEscape(in: UnsafeBufferPointer(rebasing: bytes[..<count])) == nil { break }
                    count = decodeInPlace(bytes, origins, count: count)
                }
                return body(PercentDecodedText(bytes: UnsafeBufferPointer(rebasing: bytes[..<count]), origins: UnsafeBufferPointer(rebasing: origins[...count])))
            }
        }
    }

    /// The range of the original text that decoded `range` came from.
    func originalRange(of range: Range<Int>) -> Range<Int> {
        origins[range.lowerBound]..<origins[range.upperBound]
    }

    /// The credentials in the decoded text, as ranges of the original.
    func secrets(keys: SensitiveKeyMatcher) -> [Range<Int>] {
        SecretScanner(text: bytes, keys: keys).all(from: 0).map(originalRange(of:))
    }

    /// Where the first `%XX` of an ASCII byte starts in `text`.
    static func firstEscape(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index + 2 < text.count {
            if text[index] == UInt8(ascii: "%"), asciiEscape(text[index + 1], text[index + 2]) != nil { return index }
            index += 1
        }
        return nil
    }

    /// One round of decoding the first `count` bytes; returns the decoded length.
    private static func decodeInPlace(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ origins: UnsafeMutableBufferPointer<Int>, count: Int) -> Int {
        var read = 0
        var written = 0
        while read < count {
            origins[written] = origins[read]
            if bytes[read] == UInt8(ascii: "%"), read + 2 < count, let byte = asciiEscape(bytes[read + 1], bytes[read + 2]) {
                bytes[written] = byte
                read += 3
            } else {
                bytes[written] = bytes[read] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[read]
                read += 1
            }
            written += 1
        }
        origins[written] = origins[count]
        return written
    }

    /// The byte `%` `high` `low` stands for, when it is ASCII.
    private static func asciiEscape(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = hexValue(high), high < 8, let low = hexValue(low) else { return nil }
        return high << 4 | low
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
