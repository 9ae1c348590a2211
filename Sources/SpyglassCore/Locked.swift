public import Synchronization

/// A `Mutex` whose hand-over from one holder to the next ThreadSanitizer can see.
///
/// On Linux, `Mutex` hands a contended lock over inside the kernel (a priority-inheriting futex, in the
/// Synchronization library's uninstrumented slow path), so ThreadSanitizer sees no ordering between the two
/// holders and reports every access to the protected value as a race. Each holder here reads a marker with
/// acquiring ordering when it takes the lock and writes it with releasing ordering before it lets go: the
/// sanitizer sees the hand-over, and on x86-64 the two accesses are plain loads and stores. Every lock in
/// Spyglass is one of these, so the sanitizer run in `scripts/test.sh` reports real races only.
@_spi(Locking) public struct Locked<Value: ~Copyable>: ~Copyable, Sendable {
    @usableFromInline let mutex: Mutex<Value>
    @usableFromInline let handOver = Atomic<Bool>(false)

    /// Creates the lock holding `value`.
    // Emitted into the caller for the reason `withLock` is: a lock made per span or request would look up the
    // generic metadata of `Locked` and `Mutex` each time.
    @_alwaysEmitIntoClient @_transparent
    public init(_ value: consuming sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with the value, holding the lock.
    // Always emitted into the caller, as `Mutex.withLock` is: otherwise every call is an unspecialised generic
    // call that looks up `Locked`'s and `Mutex`'s metadata. Swift 6.3 inlines it across modules only when it is
    // public (a `package` body is not used by clients), hence the SPI instead of `package`.
    @_alwaysEmitIntoClient @_transparent
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            _ = handOver.load(ordering: .acquiring)
            defer { handOver.store(true, ordering: .releasing) }
            return try body(&value)
        }
    }
}
