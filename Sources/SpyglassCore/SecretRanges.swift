#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The credentials in a text, in order and without overlap, as ranges of its UTF-8 bytes: what
/// ``Redactor/secrets(in:)`` returns.
///
/// Callers copy the bytes before each range, write ``RedactionConfiguration/replacement`` and continue after it.
/// Text holding a percent escape is read twice, as written and decoded (see ``Redactor``), and a credential found
/// either way is returned as the range of the original bytes it spans: `password%3Dhunter2` yields `hunter2`.
/// Text without a `%` is scanned once, lazily, as it always was.
public struct SecretRanges: IteratorProtocol {
    private let text: UnsafeBufferPointer<UInt8>
    private let scanner: SecretScanner
    private var state: State

    private enum State {
        case start
        /// No `%` anywhere: the scan continues from here on the next call.
        case scanning(from: Int)
        /// Found up front, from both readings, merged.
        case listed([Range<Int>], next: Int)
        case finished
    }

    init(text: UnsafeBufferPointer<UInt8>, scanner: SecretScanner, scans: Bool) {
        self.text = text
        self.scanner = scanner
        state = scans ? .start : .finished
    }

    public mutating func next() -> Range<Int>? {
        switch state {
        case .start:
            var percentSeen = false
            let first = scanner.next(from: 0, percentSeen: &percentSeen)
            // The scan saw every `%` before the first credential; look for one from there on before going lazy.
            if !percentSeen, let first, !Self.containsPercent(text[first.lowerBound...]) {
                state = .scanning(from: first.upperBound)
                return first
            }
            guard percentSeen || first != nil else {
                state = .finished
                return nil
            }
            let asWritten = first.map { [$0] + scanner.all(from: $0.upperBound) } ?? []
            state = .listed(Self.merged(asWritten + decodedSecrets()), next: 0)
            return next()
        case .scanning(let position):
            var ignored = false
            guard let secret = scanner.next(from: position, percentSeen: &ignored) else {
                state = .finished
                return nil
            }
            state = .scanning(from: secret.upperBound)
            return secret
        case .listed(let ranges, let index):
            guard index < ranges.count else {
                state = .finished
                return nil
            }
            state = .listed(ranges, next: index + 1)
            return ranges[index]
        case .finished:
            return nil
        }
    }

    /// The credentials of the decoded text, as ranges of the original.
    private func decodedSecrets() -> [Range<Int>] {
        guard let decoded = PercentDecodedText(text) else { return [] }
        return decoded.bytes.withUnsafeBufferPointer { bytes in
            SecretScanner(text: bytes, keys: scanner.keys).all(from: 0).map(decoded.originalRange(of:))
        }
    }

    private static func containsPercent(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let rest = UnsafeBufferPointer(rebasing: bytes)
        guard let base = rest.baseAddress, !rest.isEmpty else { return false }
        return memchr(base, Int32(UInt8(ascii: "%")), rest.count) != nil
    }

    /// `ranges` sorted, overlapping and touching ones joined: one replacement each.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
