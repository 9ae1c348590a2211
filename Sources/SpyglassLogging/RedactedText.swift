import SpyglassCore

/// How text is escaped as it is written into a line.
enum TextEscaping {
    /// Inside a JSON string: quotes, backslashes and control characters escaped.
    case json
    /// Console text outside quotes: control characters made visible.
    case consoleBare
    /// Console text inside double quotes: control characters, quotes and backslashes escaped.
    case consoleQuoted
}

/// The rules every string value of a line passes through: credential redaction and a size limit.
struct TextPolicy: Sendable {
    let redactor: Redactor
    /// Longest UTF-8 size written for one value before it is cut.
    let maxValueBytes: Int

    /// Credentials that begin before the cut are still found and replaced whole; scanning stops this far past it.
    static let scanSlack = 8192
}

extension LineBuffer {
    /// Appends `text` redacted, cut to the policy's limit (with a visible marker) and escaped.
    mutating func append(text: String, policy: TextPolicy, escaping: TextEscaping) {
        if policy.redactor.hasAdditionalPatterns {
            var redacted = policy.redactor.applyingAdditionalPatterns(to: text)
            redacted.withUTF8 { append(textUTF8: $0, policy: policy, escaping: escaping) }
        } else {
            text.withUTF8Bytes { append(textUTF8: $0, policy: policy, escaping: escaping) }
        }
    }

    mutating func append(textUTF8 text: UnsafeBufferPointer<UInt8>, policy: TextPolicy, escaping: TextEscaping) {
        let limit = policy.maxValueBytes
        let window = UnsafeBufferPointer(rebasing: text[..<Swift.min(text.count, limit + TextPolicy.scanSlack)])
        var position = 0
        policy.redactor.forEachSecret(in: window) { secret in
            // A credential that starts past the cut is cut off with the text after it.
            guard secret.lowerBound < limit else { return false }
            append(escaping: text[position..<secret.lowerBound], as: escaping)
            append(utf8: RedactionConfiguration.replacement)
            position = secret.upperBound
            return position < limit
        }
        if position < limit {
            var plainEnd = Swift.min(text.count, limit)
            // Never split a multi-byte character.
            while plainEnd < text.count, plainEnd > position, text[plainEnd] & 0xC0 == 0x80 { plainEnd -= 1 }
            append(escaping: text[position..<plainEnd], as: escaping)
            position = plainEnd
        }
        let omitted = text.count - position
        if omitted > 0 {
            append(ascii: "…[truncated ")
            append(decimal: omitted)
            append(ascii: " bytes]")
        }
    }

    /// Appends bytes escaped for `escaping`, copying runs that need no escape in one go.
    mutating func append(escaping bytes: Slice<UnsafeBufferPointer<UInt8>>, as escaping: TextEscaping) {
        let text = UnsafeBufferPointer(rebasing: bytes)
        guard let base = text.baseAddress else { return }
        // Quotes and backslashes are escaped except in bare console text; control characters always are.
        let escapesQuotes = escaping != .consoleBare
        // Most values are short and need no escape: check them as one padded word and copy them whole.
        if text.count < 8 {
            // Padded with spaces, which never need an escape.
            let word = UnsafeRawPointer(base).loadPaddedWord(count: text.count) | 0x2020_2020_2020_2020 << (text.count * 8)
            if !Self.wordNeedsEscape(word, escapesQuotes: escapesQuotes) {
                append(text)
                return
            }
        }
        var runStart = 0
        var index = 0
        while index < text.count {
            // Eight bytes at a time while none of them needs an escape: most text is plain.
            if index + 8 <= text.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if !Self.wordNeedsEscape(word, escapesQuotes: escapesQuotes) {
                    index += 8
                    continue
                }
            }
            let byte = base[index]
            if Self.byteNeedsEscape(byte, escapesQuotes: escapesQuotes) {
                append(UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                appendEscape(for: byte)
                runStart = index + 1
            }
            index += 1
        }
        append(UnsafeBufferPointer(start: base + runStart, count: text.count - runStart))
    }

    /// Whether `byte` is a control character, DEL, or (with `escapesQuotes`) `"` or `\\`.
    @inline(__always)
    private static func byteNeedsEscape(_ byte: UInt8, escapesQuotes: Bool) -> Bool {
        byte < 0x20 || byte == 0x7F || (escapesQuotes && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")))
    }

    /// ``byteNeedsEscape(_:escapesQuotes:)`` for the eight bytes of `word` at once. Bytes of multi-byte UTF-8
    /// characters (0x80 and above) never match.
    @inline(__always)
    private static func wordNeedsEscape(_ word: UInt64, escapesQuotes: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        if hasControl || hasZeroByte(word ^ (ones &* 0x7F)) { return true }
        return escapesQuotes && (hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)))
    }

    private mutating func appendEscape(for byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"))
        case UInt8(ascii: "\n"): append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): append(UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            append(ascii: "u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
