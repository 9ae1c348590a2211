import SpyglassTestSupport

/// Random text for property tests.
extension SeededRandom {
    /// Text from every corner of Unicode: control characters, quotes, backslashes, JSON punctuation,
    /// separators that break JavaScript, combining marks and astral-plane emoji.
    mutating func anyText(maxLength: Int = 40) -> String {
        let specials: [String] = ["\"", "\\", "\n", "\r\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{2028}", "é", "e\u{301}", "🚀", "}{", ",\"a\":1", "\\u0000"]
        var text = ""
        for _ in 0..<Int.random(in: 0...maxLength, using: &self) {
            switch Int.random(in: 0..<4, using: &self) {
            case 0: text += specials.randomElement(using: &self)!
            case 1: text.unicodeScalars.append(UnicodeScalar(UInt8.random(in: 0...127, using: &self)))
            case 2: text.unicodeScalars.append(Self.scalar(Int.random(in: 0x80...0x10FFFF, using: &self)))
            default: text += String(Character(UnicodeScalar(UInt8.random(in: 97...122, using: &self))))
            }
        }
        return text
    }

    /// Letters and digits only, for keys and filler words.
    mutating func word(maxLength: Int = 12) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<Int.random(in: 0...maxLength, using: &self)).map { _ in alphabet.randomElement(using: &self)! })
    }

    private static func scalar(_ value: Int) -> UnicodeScalar {
        UnicodeScalar(UInt32(value)) ?? "\u{FFFD}"  // surrogate code points are not scalars
    }
}
