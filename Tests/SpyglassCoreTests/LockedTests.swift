import Dispatch
@_spi(Locking) import SpyglassCore
import Testing

@Suite struct LockedTests {
    /// Threads that contend for the lock, so it is handed over inside the kernel: under the ThreadSanitizer run of
    /// `scripts/test.sh` a hand-over the sanitizer cannot see is reported as a race (a bare `Mutex` is, here).
    @Test func contendedHoldersSeeEachOthersWrites() {
        final class Shared: Sendable {
            let state = Locked<(count: Int, bytes: [UInt8])>((0, []))
        }
        let shared = Shared()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for _ in 0..<20_000 {
                if thread.isMultiple(of: 2) {
                    shared.state.withLock { state in
                        state.count += 1
                        state.bytes.append(1)
                    }
                } else {
                    shared.state.withLock { state in
                        var taken: [UInt8] = []
                        swap(&taken, &state.bytes)
                    }
                }
            }
        }
        #expect(shared.state.withLock { $0.count } == 80_000)
    }

    @Test func errorsThrownInsideReachTheCaller() {
        struct Refused: Error {}
        let lock = Locked(1)
        #expect(throws: Refused.self) { try lock.withLock { (_: inout Int) throws(Refused) in throw Refused() } }
        #expect(lock.withLock { $0 } == 1)
    }
}
