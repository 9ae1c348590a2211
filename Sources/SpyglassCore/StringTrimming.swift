extension StringProtocol {
    package func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }),
            let end = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }
}

extension String {
    /// The text cut to at most `limit` UTF-8 bytes, before a whole character's first byte: a cut inside one would be
    /// decoded as a replacement character, three bytes that can pass the limit.
    package func prefix(utf8Bytes limit: Int) -> String {
        let bytes = utf8
        guard bytes.count > limit else { return self }
        var end = bytes.index(bytes.startIndex, offsetBy: limit)
        while end > bytes.startIndex, bytes[end] & 0xC0 == 0x80 { bytes.formIndex(before: &end) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
