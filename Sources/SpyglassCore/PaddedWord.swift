extension UnsafeRawPointer {
    /// The `count` bytes here (at most eight) as a little-endian word, zero above them: in at most three loads,
    /// never reading past the last byte.
    ///
    /// Hot paths (escaping, hashing, the key cache) handle short strings a word at a time with it.
    @inlinable
    @inline(__always)
    package func loadPaddedWord(count: Int) -> UInt64 {
        if count >= 8 { return loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        var filled = 0
        if count >= 4 {
            word = UInt64(loadUnaligned(as: UInt32.self))
            filled = 4
        }
        if count - filled >= 2 {
            word |= UInt64(loadUnaligned(fromByteOffset: filled, as: UInt16.self)) << (filled * 8)
            filled += 2
        }
        if filled < count { word |= UInt64(load(fromByteOffset: filled, as: UInt8.self)) << (filled * 8) }
        return word
    }
}
