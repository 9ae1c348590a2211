import SpyglassMetrics
@_spi(Locking) import SpyglassCore

/// Series handles kept per label combination seen, so a request finds its series with one lock-free lookup and
/// no allocation instead of a registry lookup per metric (which builds the label array).
///
/// Past ``limit`` combinations new ones are made each time and not kept: the families' cardinality guard then
/// applies to them, and hostile label values (a method, a path) cannot grow the cache.
final class SeriesCache<Entry: AnyObject & Sendable>: Sendable {
    private let entries = AppendOnlyIndex<Entry>()
    /// Serialises adding to ``entries`` and counts them.
    private let count = Locked(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The entry `matches` accepts under `hash`, made by `make` the first time.
    func entry(hash: Int, matches: (Entry) -> Bool, make: () -> Entry) -> Entry {
        if let entry = entries.first(hash: hash, where: matches) { return entry }
        return count.withLock { count in
            if let entry = entries.first(hash: hash, where: matches) { return entry }
            let entry = make()
            if count < limit {
                entries.insert(entry, hash: hash)
                count += 1
            }
            return entry
        }
    }
}
