/// One forward pass over UTF-8 text looking for credentials. See ``RedactionConfiguration`` for what it finds.
struct SecretScanner {
    let text: UnsafeBufferPointer<UInt8>
    /// Read without retaining it: the redactor that owns it outlives every scan.
    unowned(unsafe) let keys: SensitiveKeyMatcher

    /// A credential that starts with a fixed prefix followed by a run of token characters.
    private struct PrefixedToken {
        let prefix: [UInt8]
        let characters: CharacterSet
        let minimumLength: Int

        init(_ prefix: String, _ characters: CharacterSet, atLeast minimumLength: Int) {
            self.prefix = Array(prefix.utf8)
            self.characters = characters
            self.minimumLength = minimumLength
        }
    }

    private enum CharacterSet {
        case alphanumeric, upperAlphanumeric, keyToken, dottedKeyToken

        func contains(_ byte: UInt8) -> Bool {
            switch self {
            case .alphanumeric: byte.isASCIIAlphanumeric
            case .upperAlphanumeric: byte.isASCIIUpper || byte.isASCIIDigit
            case .keyToken: byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            case .dottedKeyToken: byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
        }
    }

    /// Prefixed credentials, indexed by first byte.
    private static let prefixed: [[PrefixedToken]] = {
        let tokens: [PrefixedToken] = [
            .init("sk-", .keyToken, atLeast: 16),  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), DeepSeek
            .init("sk_live_", .alphanumeric, atLeast: 16), .init("sk_test_", .alphanumeric, atLeast: 16),  // Stripe
            .init("rk_live_", .alphanumeric, atLeast: 16), .init("rk_test_", .alphanumeric, atLeast: 16),
            .init("gsk_", .alphanumeric, atLeast: 20),  // Groq
            .init("xai-", .alphanumeric, atLeast: 20),  // xAI
            .init("hf_", .alphanumeric, atLeast: 30),  // Hugging Face
            .init("r8_", .alphanumeric, atLeast: 20),  // Replicate
            .init("pplx-", .alphanumeric, atLeast: 20),  // Perplexity
            .init("AIza", .keyToken, atLeast: 30),  // Google / Gemini API keys
            .init("ya29.", .dottedKeyToken, atLeast: 20),  // Google OAuth access tokens
            .init("AKIA", .upperAlphanumeric, atLeast: 16), .init("ASIA", .upperAlphanumeric, atLeast: 16),  // AWS
            .init("ghp_", .alphanumeric, atLeast: 30), .init("gho_", .alphanumeric, atLeast: 30),  // GitHub
            .init("ghu_", .alphanumeric, atLeast: 30), .init("ghs_", .alphanumeric, atLeast: 30),
            .init("ghr_", .alphanumeric, atLeast: 30), .init("github_pat_", .keyToken, atLeast: 20),
            .init("glpat-", .keyToken, atLeast: 20),  // GitLab
            .init("xoxb-", .keyToken, atLeast: 10), .init("xoxp-", .keyToken, atLeast: 10),  // Slack
            .init("xoxa-", .keyToken, atLeast: 10), .init("xoxr-", .keyToken, atLeast: 10),
            .init("xoxs-", .keyToken, atLeast: 10),
            .init("npm_", .alphanumeric, atLeast: 30),  // npm
        ]
        var index = [[PrefixedToken]](repeating: [], count: 256)
        for token in tokens {
            precondition(mayStartSecret(token.prefix[0]), "mayStartSecret must accept the first byte of \(token.prefix)")
            index[Int(token.prefix[0])].append(token)
        }
        return index
    }()

    private static let privateKeyBegin = Array("-----BEGIN ".utf8)
    private static let privateKeyEnd = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)
    private static let privateKeyLabel = Array("PRIVATE KEY".utf8)
    private static let schemeSeparator = Array("://".utf8)
    private static let jsonWebTokenStart = Array("eyJ".utf8)
    private static let authorizationSchemes = ["bearer", "basic"]

    /// The next credential at or after `start`.
    ///
    /// - Parameter percentSeen: set when a `%` was passed on the way, so that the caller knows whether the text
    ///   needs reading decoded too; noted here because this loop visits every byte outside a word anyway.
    func next(from start: Int, percentSeen: inout Bool) -> Range<Int>? {
        var index = start
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "-"), let block = privateKeyBlock(at: index) { return block }
            if byte == UInt8(ascii: ":"), let password = urlPassword(at: index) { return password }
            if byte.isASCIIAlphanumeric, index == 0 || !isTokenByte(text[index - 1]) {
                if Self.mayStartSecret(byte),
                    let secret = prefixedToken(at: index) ?? jsonWebToken(at: index) ?? authorizationToken(at: index)
                {
                    return secret
                }
                let tokenEnd = runEnd(from: index + 1, while: isTokenByte)
                // A key is followed by `.` (a dotted key), a quote, a space, `=` or `:`; most words are not.
                if tokenEnd < text.count, Self.mayFollowKey(text[tokenEnd]), index == 0 || !isWordByte(text[index - 1]),
                    let value = keyValuePair(at: index)
                {
                    return value
                }
                // No credential starts inside a run of token characters: skip to its end.
                index = tokenEnd
                continue
            }
            if byte == UInt8(ascii: "%") { percentSeen = true }
            index += 1
        }
        return nil
    }

    /// Every credential at or after `start`, in order.
    func all(from start: Int) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var position = start
        var ignored = false
        while let secret = next(from: position, percentSeen: &ignored) {
            found.append(secret)
            position = secret.upperBound
        }
        return found
    }

    /// Whether a credential can start with `byte`: a prefixed token's first byte, `e` (JWT) or `b`/`B`
    /// (authorization schemes). Spelled out rather than read from ``prefixed`` because this runs at every word
    /// start; the table checks at start-up that it agrees.
    private static func mayStartSecret(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "g"), UInt8(ascii: "x"), UInt8(ascii: "h"),
            UInt8(ascii: "p"), UInt8(ascii: "n"), UInt8(ascii: "A"), UInt8(ascii: "y"), UInt8(ascii: "e"),
            UInt8(ascii: "b"), UInt8(ascii: "B"):
            true
        default:
            false
        }
    }

    private static func mayFollowKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private func isTokenByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private func isWordByte(_ byte: UInt8) -> Bool { isTokenByte(byte) || byte == UInt8(ascii: ".") }

    /// The end of the run of bytes satisfying `predicate` that starts at `start`.
    private func runEnd(from start: Int, while predicate: (UInt8) -> Bool) -> Int {
        var end = start
        while end < text.count, predicate(text[end]) { end += 1 }
        return end
    }

    private func prefixedToken(at index: Int) -> Range<Int>? {
        for token in Self.prefixed[Int(text[index])] where text.hasPrefix(token.prefix, at: index) {
            let bodyStart = index + token.prefix.count
            let end = runEnd(from: bodyStart, while: token.characters.contains)
            if end - bodyStart >= token.minimumLength { return index..<end }
        }
        return nil
    }

    /// `header.payload.signature`, each part base64url; header and payload are JSON objects (`eyJ…`).
    private func jsonWebToken(at index: Int) -> Range<Int>? {
        guard text[index] == UInt8(ascii: "e"), text.hasPrefix(Self.jsonWebTokenStart, at: index) else { return nil }
        let isBase64URL: (UInt8) -> Bool = { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        let headerEnd = runEnd(from: index, while: isBase64URL)
        guard headerEnd - index >= 10, headerEnd < text.count, text[headerEnd] == UInt8(ascii: ".") else { return nil }
        let payloadEnd = runEnd(from: headerEnd + 1, while: isBase64URL)
        guard payloadEnd - headerEnd > 2, payloadEnd < text.count, text[payloadEnd] == UInt8(ascii: ".") else { return nil }
        return index..<runEnd(from: payloadEnd + 1, while: isBase64URL)
    }

    /// The credential after an HTTP authorization scheme: `Bearer <token>` or `Basic <base64>`.
    private func authorizationToken(at index: Int) -> Range<Int>? {
        let byte = text[index] | 0x20
        guard byte == UInt8(ascii: "b") else { return nil }
        for scheme in Self.authorizationSchemes where matchesIgnoringCase(scheme, at: index) {
            var tokenStart = index + scheme.utf8.count
            let spacesEnd = runEnd(from: tokenStart, while: { $0 == UInt8(ascii: " ") })
            guard spacesEnd > tokenStart else { return nil }
            tokenStart = spacesEnd
            let end = runEnd(from: tokenStart, while: Self.isCredentialByte)
            return looksLikeCredential(tokenStart..<end) ? tokenStart..<end : nil
        }
        return nil
    }

    private static func isCredentialByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            byte.isASCIIAlphanumeric
        }
    }

    /// At least 8 bytes with a digit, an upper-case letter or a symbol: `Bearer authentication` is prose.
    private func looksLikeCredential(_ range: Range<Int>) -> Bool {
        guard range.count >= 8 else { return false }
        return range.contains { text[$0].isASCIIDigit || text[$0].isASCIIUpper || !text[$0].isASCIIAlphanumeric }
    }

    private func matchesIgnoringCase(_ word: String, at index: Int) -> Bool {
        var position = index
        for expected in word.utf8 {
            guard position < text.count, text[position] | 0x20 == expected else { return false }
            position += 1
        }
        return true
    }

    /// A PEM block whose label contains `PRIVATE KEY`, up to its END line (or the end of the text).
    private func privateKeyBlock(at index: Int) -> Range<Int>? {
        guard text.hasPrefix(Self.privateKeyBegin, at: index) else { return nil }
        let labelStart = index + Self.privateKeyBegin.count
        // Labels are short (`RSA PRIVATE KEY`); bounding the search keeps hostile text linear.
        guard let labelEnd = firstIndex(of: Self.dashes, from: labelStart, before: labelStart + 64),
            firstIndex(of: Self.privateKeyLabel, from: labelStart, before: labelEnd) != nil
        else { return nil }
        guard let end = firstIndex(of: Self.privateKeyEnd, from: labelEnd + Self.dashes.count),
            let closing = firstIndex(of: Self.dashes, from: end + Self.privateKeyEnd.count)
        else { return index..<text.count }
        return index..<(closing + Self.dashes.count)
    }

    /// Where `needle` first starts at or after `start` (and before `limit`, when given).
    private func firstIndex(of needle: [UInt8], from start: Int, before limit: Int = .max) -> Int? {
        var position = start
        while position + needle.count <= text.count, position < limit {
            if text[position] == needle[0], text.hasPrefix(needle, at: position) { return position }
            position += 1
        }
        return nil
    }

    /// The password in `scheme://user:password@host`.
    private func urlPassword(at index: Int) -> Range<Int>? {
        guard text.hasPrefix(Self.schemeSeparator, at: index) else { return nil }
        let userInfoStart = index + Self.schemeSeparator.count
        var colon: Int?
        var position = userInfoStart
        while position < text.count {
            switch text[position] {
            case UInt8(ascii: "@"):
                guard let colon, position > colon + 1 else { return nil }
                return (colon + 1)..<position
            case UInt8(ascii: ":"):
                if colon == nil { colon = position }
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "), UInt8(ascii: "\""),
                UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\n"), UInt8(ascii: "\t"):
                return nil
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The value in `password=…`, `token: …` or `"api_key": "…"` written inside text.
    private func keyValuePair(at index: Int) -> Range<Int>? {
        let keyEnd = runEnd(from: index, while: isWordByte)
        guard keyEnd - index <= SensitiveKeyMatcher.maxKeyLength else { return nil }
        var position = keyEnd
        if position < text.count, text[position] == UInt8(ascii: "\"") || text[position] == UInt8(ascii: "'") {
            position += 1
        }
        position = runEnd(from: position, while: { $0 == UInt8(ascii: " ") })
        guard position < text.count, text[position] == UInt8(ascii: "=") || text[position] == UInt8(ascii: ":") else {
            return nil
        }
        // `https://…` is a URL, not a key.
        if text.hasPrefix(Self.schemeSeparator, at: position) { return nil }
        guard keys.matches(text[index..<keyEnd]) else { return nil }
        position = runEnd(from: position + 1, while: { $0 == UInt8(ascii: " ") })
        guard position < text.count else { return nil }
        let quote = text[position]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let valueStart = position + 1
            let valueEnd = runEnd(from: valueStart, while: { $0 != quote && $0 != UInt8(ascii: "\n") })
            return valueEnd > valueStart ? valueStart..<valueEnd : nil
        }
        if let token = authorizationToken(at: position) { return position..<token.upperBound }
        let valueEnd = runEnd(from: position, while: Self.isUnquotedValueByte)
        return valueEnd > position ? position..<valueEnd : nil
    }

    private static func isUnquotedValueByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "}"),
            UInt8(ascii: ")"), UInt8(ascii: "]"):
            false
        default:
            true
        }
    }
}
