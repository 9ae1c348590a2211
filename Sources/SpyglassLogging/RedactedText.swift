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
    static let replacement: StaticString = "[REDACTED]"
}

extension LineBuffer {
    /// Appends `text` redacted, cut to the policy's limit (with a visible marker) and escaped.
    mutating func append(text: String, policy: TextPolicy, escaping: TextEscaping) {
        if policy.redactor.hasAdditionalPatterns {
            var redacted = policy.redactor.applyingAdditionalPatterns(to: text)
            redacted.withUTF8 { append(textUTF8: $0, policy: policy, escaping: escaping) }
        } else {
            var text = text
            text.withUTF8 { append(textUTF8: $0, policy: policy, escaping: escaping) }
        }
    }

    mutating func append(textUTF8 text: UnsafeBufferPointer<UInt8>, policy: TextPolicy, escaping: TextEscaping) {
        let limit = policy.maxValueBytes
        let window = UnsafeBufferPointer(rebasing: text[..<Swift.min(text.count, limit + TextPolicy.scanSlack)])
        var position = 0
        while position < text.count {
            let secret = policy.redactor.nextSecret(in: window, from: position)
            var plainEnd = Swift.min(secret?.lowerBound ?? text.count, limit)
            if plainEnd < text.count {
                // Never split a multi-byte character.
                while plainEnd > position, text[plainEnd] & 0xC0 == 0x80 { plainEnd -= 1 }
            }
            append(escaping: text[position..<plainEnd], as: escaping)
            guard let secret, secret.lowerBound < limit else {
                position = plainEnd
                break
            }
            append(ascii: TextPolicy.replacement)
            position = secret.upperBound
            if position >= limit { break }
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
        var runStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let needsEscape: Bool
            switch escaping {
            case .json, .consoleQuoted:
                needsEscape = byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            case .consoleBare:
                needsEscape = byte < 0x20 || byte == 0x7F
            }
            if needsEscape {
                append(bytes[runStart..<index])
                appendEscape(for: byte)
                runStart = index + 1
            }
            index += 1
        }
        append(bytes[runStart..<bytes.endIndex])
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
