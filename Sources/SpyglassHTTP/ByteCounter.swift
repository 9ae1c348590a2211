import Synchronization

/// Counts the bytes of a streamed response body as an adapter's body writer passes them on.
package final class ByteCounter: Sendable {
    /// Written only by the one task writing the body, read after it finished: relaxed ordering suffices.
    private let count = Atomic<Int>(0)

    package init() {}

    package func add(_ bytes: Int) {
        count.add(bytes, ordering: .relaxed)
    }

    package var bytes: Int {
        count.load(ordering: .relaxed)
    }
}
