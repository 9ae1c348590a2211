import Synchronization
@_spi(Locking) import SpyglassCore

/// A hash index whose lookups take no lock and allocate nothing.
///
/// Entries are only ever added, never replaced or removed, which is what makes lock-free reads safe: a slot,
/// once set, holds its entry for the life of the index. Readers probe the current table; inserts serialise on
/// a mutex and, when the table is half full, publish a table twice the size. Old tables stay alive (a reader
/// may still be probing one), which costs at most as much memory as the current table again.
///
/// A reader that probes an old table can miss an entry added since; callers treat a miss as "take the slow
/// path", which looks again under their own lock.
package final class AppendOnlyIndex<Entry: AnyObject & Sendable>: Sendable {
    /// Slots hold unretained references as bit patterns (0 for empty): `WriterState.entries` keeps every entry
    /// alive, and plain integer atomics keep the read path free of generic runtime calls.
    private final class Table: @unchecked Sendable {
        let mask: Int
        let slots: UnsafeMutablePointer<Atomic<UInt>>

        init(capacity: Int) {
            mask = capacity - 1
            slots = .allocate(capacity: capacity)
            for index in 0..<capacity { (slots + index).initialize(to: Atomic(0)) }
        }

        deinit {
            slots.deinitialize(count: mask + 1)
            slots.deallocate()
        }

        /// The first entry under `hash` that `matches` accepts, borrowed: the index keeps it alive.
        @inline(__always)
        func first(hash: Int, where matches: (Entry) -> Bool) -> Unmanaged<Entry>? {
            var slot = hash & mask
            // At most half the slots are used, so the probe always reaches an empty one.
            while true {
                let bits = slots[slot].load(ordering: .acquiring)
                guard bits != 0 else { return nil }
                let entry = Unmanaged<Entry>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped)
                if entry._withUnsafeGuaranteedRef(matches) { return entry }
                slot = (slot + 1) & mask
            }
        }

        func insert(_ entry: Entry, hash: Int) {
            var slot = hash & mask
            while slots[slot].load(ordering: .relaxed) != 0 { slot = (slot + 1) & mask }
            slots[slot].store(UInt(bitPattern: Unmanaged.passUnretained(entry).toOpaque()), ordering: .releasing)
        }
    }

    private struct WriterState {
        var entries: [(hash: Int, entry: Entry)] = []
        /// Every table ever published; readers may still hold any of them.
        var tables: [Table]
    }

    /// The current table, as the bit pattern of an unretained reference kept alive by `writer.tables`.
    private let current: Atomic<UInt>
    private let writer: Locked<WriterState>

    package init(initialCapacity: Int = 16) {
        let table = Table(capacity: max(2, initialCapacity.nextPowerOfTwo))
        current = Atomic(UInt(bitPattern: Unmanaged.passUnretained(table).toOpaque()))
        writer = Locked(WriterState(tables: [table]))
    }

    /// The entry stored under `hash` that `matches` accepts, if there is one.
    @inline(__always)
    package func first(hash: Int, where matches: (Entry) -> Bool) -> Entry? {
        withFirst(hash: hash, where: matches) { $0 }
    }

    /// `body` applied to the entry stored under `hash` that `matches` accepts, without retaining the entry;
    /// `nil` when there is none.
    @inline(__always)
    package func withFirst<Result>(hash: Int, where matches: (Entry) -> Bool, _ body: (Entry) -> Result?) -> Result? {
        let bits = current.load(ordering: .acquiring)
        let table = Unmanaged<Table>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped)
        guard let entry = table._withUnsafeGuaranteedRef({ $0.first(hash: hash, where: matches) }) else { return nil }
        return entry._withUnsafeGuaranteedRef(body)
    }

    /// Adds `entry` under `hash`. The caller has checked, under its own lock, that no equal entry exists.
    package func insert(_ entry: Entry, hash: Int) {
        writer.withLock { state in
            state.entries.append((hash, entry))
            let table = state.tables[state.tables.count - 1]
            if state.entries.count * 2 > table.mask + 1 {
                let grown = Table(capacity: (table.mask + 1) * 2)
                for (hash, entry) in state.entries { grown.insert(entry, hash: hash) }
                state.tables.append(grown)
                current.store(UInt(bitPattern: Unmanaged.passUnretained(grown).toOpaque()), ordering: .releasing)
            } else {
                table.insert(entry, hash: hash)
            }
        }
    }

    /// How many entries the index holds.
    package var count: Int { writer.withLock { $0.entries.count } }
}

extension Int {
    /// The smallest power of two at least as large as `self` (for positive values).
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
