/// Entries kept oldest first within a count and a byte bound: appending evicts the oldest entries until both
/// hold. The storage of every store behind the dashboard.
///
/// Not thread-safe: each store keeps its ring behind its own lock.
struct BoundedRing<Element> {
    /// The most entries kept.
    let capacity: Int
    /// The most bytes kept, as the entries' costs add up.
    let byteLimit: Int
    private var slots: [(element: Element, cost: Int)?]
    private var first = 0
    private(set) var count = 0
    private(set) var bytes = 0
    /// Entries dropped to make room, or because they alone exceeded ``byteLimit``.
    private(set) var evicted = 0

    init(capacity: Int, byteLimit: Int) {
        self.capacity = max(1, capacity)
        self.byteLimit = byteLimit
        slots = Array(repeating: nil, count: max(1, capacity))
    }

    /// Keeps `element`, which costs `cost` bytes, evicting the oldest entries until both bounds hold. An element
    /// costing more than the whole byte limit is not kept (and counted as evicted).
    mutating func append(_ element: Element, cost: Int) {
        guard cost <= byteLimit else {
            evicted += 1
            return
        }
        while count == capacity || bytes + cost > byteLimit {
            bytes -= slots[first]?.cost ?? 0
            slots[first] = nil
            first = first + 1 == capacity ? 0 : first + 1
            count -= 1
            evicted += 1
        }
        let slot = first + count
        slots[slot < capacity ? slot : slot - capacity] = (element, cost)
        count += 1
        bytes += cost
    }

    /// The entries, oldest first, that `isIncluded` accepts.
    func elements(where isIncluded: (Element) -> Bool = { _ in true }) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        for offset in 0..<count {
            let slot = first + offset
            if let entry = slots[slot < capacity ? slot : slot - capacity], isIncluded(entry.element) {
                result.append(entry.element)
            }
        }
        return result
    }

    /// The newest entries first, up to `limit`, that `isIncluded` accepts; the scan stops at the first entry
    /// `isPast` marks (it and every older entry are left out).
    func newest(_ limit: Int, until isPast: (Element) -> Bool = { _ in false }, where isIncluded: (Element) -> Bool = { _ in true }) -> [Element] {
        var result: [Element] = []
        var offset = count - 1
        while offset >= 0, result.count < limit {
            let slot = first + offset
            if let entry = slots[slot < capacity ? slot : slot - capacity] {
                if isPast(entry.element) { break }
                if isIncluded(entry.element) { result.append(entry.element) }
            }
            offset -= 1
        }
        return result
    }
}

extension BoundedRing where Element == StoredLogLine {
    /// The newest lines first, up to `limit`, written before `nanoseconds` in the trace `high`/`low`.
    ///
    /// ``newest(_:until:where:)`` hands each entry to its predicate as a copy, which retains and releases the line's
    /// bytes and request id: 38 ns a line. Here each entry's fields are read in place.
    func newest(_ limit: Int, inTrace high: UInt64, _ low: UInt64, before nanoseconds: UInt64) -> [StoredLogLine] {
        var result: [StoredLogLine] = []
        var offset = count - 1
        while offset >= 0, result.count < limit {
            let slot = first + offset < capacity ? first + offset : first + offset - capacity
            if slots[slot]?.element.traceIDLow == low, slots[slot]?.element.traceIDHigh == high,
                let timestamp = slots[slot]?.element.timestampNanoseconds, timestamp < nanoseconds,
                let entry = slots[slot]
            {
                result.append(entry.element)
            }
            offset -= 1
        }
        return result
    }
}
