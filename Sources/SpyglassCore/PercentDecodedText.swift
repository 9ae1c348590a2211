/// Text read the way a URL's reader reads it, `%3A` as `:` and `+` as a space, remembering where each decoded
/// byte came from: a credential found in the decoded text is cut out of the original, which is left as it was
/// everywhere else.
///
/// Only escapes of ASCII bytes are decoded. Credentials and what frames them (`:`, `/`, `@`, `=`, quotes) are
/// ASCII, and leaving `%C3%A9` encoded keeps the decoded text valid UTF-8 with offsets that map back exactly.
/// A URL nested in a query value is encoded twice (`%253A`), so decoding repeats, at most
/// ``maximumRounds`` times, while escapes remain.
struct PercentDecodedText {
    static let maximumRounds = 3

    /// The decoded bytes.
    private(set) var bytes: [UInt8]
    /// `origins[i]` is where decoded byte `i` starts in the original; `origins[bytes.count]` is its length.
    private var origins: [Int]

    /// Decodes `text`; `nil` when it holds no escape of an ASCII byte (then there is nothing new to read).
    init?(_ text: UnsafeBufferPointer<UInt8>) {
        guard Self.firstEscape(in: text) != nil else { return nil }
        bytes = Array(text)
        origins = Array(0...text.count)
        for _ in 0..<Self.maximumRounds {
            guard decodeOnce() else { break }
        }
    }

    /// The range of the original text that decoded `range` came from.
    func originalRange(of range: Range<Int>) -> Range<Int> {
        origins[range.lowerBound]..<origins[range.upperBound]
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

    /// One round of decoding; `false` when there was nothing left to decode.
    private mutating func decodeOnce() -> Bool {
        var decoded: [UInt8] = []
        var decodedOrigins: [Int] = []
        decoded.reserveCapacity(bytes.count)
        decodedOrigins.reserveCapacity(bytes.count + 1)
        var changed = false
        var index = 0
        while index < bytes.count {
            decodedOrigins.append(origins[index])
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let byte = Self.asciiEscape(bytes[index + 1], bytes[index + 2])
            {
                decoded.append(byte)
                index += 3
                changed = true
            } else if bytes[index] == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
                index += 1
                changed = true
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        guard changed else { return false }
        decodedOrigins.append(origins[bytes.count])
        bytes = decoded
        origins = decodedOrigins
        return true
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
