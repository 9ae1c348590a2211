#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bucket layout of a native (sparse, exponential) histogram: Prometheus's schemas, which OpenTelemetry's
/// exponential histograms share as their `scale`.
///
/// For schema `s` (−4 through 8) the growth factor from one bucket to the next is `2^(2^-s)`, and bucket `i` holds
/// the values `v` with `factor^(i-1) < v ≤ factor^i`: bucket 0 ends at 1, and every power of two is the upper bound
/// of a bucket. Each schema has twice the resolution of the one below it. A histogram keeps values at or below its
/// zero threshold in a zero bucket instead, and negative values in buckets of their own, by magnitude.
///
/// A value is one of every histogram observation's steps, so it holds its tables by pointer: they are made once per
/// schema for the life of the process (about 20 KiB for all thirteen), and copying or reading a layout retains
/// nothing.
public struct ExponentialBucketSchema: Sendable, Hashable {
    /// The schema number, −4 (factor 65,536) through 8 (factor about 1.0027).
    public let schema: Int

    /// The schemas Prometheus and OpenTelemetry both accept.
    public static let range = -4...8

    /// The schema `schema`, or `nil` outside ``range``.
    public init?(_ schema: Int) {
        guard Self.range.contains(schema) else { return nil }
        self.schema = schema
        tables = Self.tables[schema - Self.range.lowerBound]
    }

    private let tables: Tables

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.schema == rhs.schema }
    public func hash(into hasher: inout Hasher) { hasher.combine(schema) }

    /// One schema's tables, at `max(schema, 0)`: schemas below 0 merge that schema's buckets.
    private struct Tables: @unchecked Sendable {  // pointers to storage that is never written after it is made, nor freed
        /// The upper bounds of the buckets within one power of two as fractions in `[0.5, 1)` (`frexp`'s):
        /// `2^(j / 2^schema − 1)` for bucket `j` of the octave.
        let upperBoundsOfOneOctave: UnsafePointer<Double>
        /// The same bounds as the 52-bit mantissas of `2^(j / 2^schema)`, ascending from 0, then a sentinel above
        /// every mantissa: a value's bucket within its power of two is how many of them are below its mantissa.
        let mantissaThresholds: UnsafePointer<UInt64>
        /// For each of `2^(schema+3)` equal cells of the mantissa range, how many thresholds lie below the cell's
        /// start. Thresholds are at least `ln 2 / 2^schema` of the range apart, more than a cell's
        /// `1 / 2^(schema+3)`, so at most one lies inside a cell and one comparison settles the count.
        let thresholdsBelowCell: UnsafePointer<UInt16>
        let cellShift: UInt64
        /// The schema the tables are for: `max(schema, 0)`.
        let schema: Int

        init(schema: Int) {
            self.schema = schema
            let bounds = (0..<(1 << schema)).map { ExponentialBucketSchema.octaveBound($0, schema: schema) }
            let thresholds = bounds.map { $0.bitPattern & ExponentialBucketSchema.mantissaMask } + [.max]
            let cellBits = schema + 3
            cellShift = UInt64(52 - cellBits)
            var below = 0
            let cells = (0..<(1 << cellBits)).map { cell in
                // The sentinel ends the walk: no cell starts above it.
                while thresholds[below] < UInt64(cell) << UInt64(52 - cellBits) { below += 1 }
                return UInt16(below)
            }
            upperBoundsOfOneOctave = Self.permanent(bounds)
            mantissaThresholds = Self.permanent(thresholds)
            thresholdsBelowCell = Self.permanent(cells)
        }

        private static func permanent<Element>(_ elements: [Element]) -> UnsafePointer<Element> {
            let storage = UnsafeMutablePointer<Element>.allocate(capacity: elements.count)
            storage.initialize(from: elements, count: elements.count)
            return UnsafePointer(storage)
        }
    }

    private static let tables = range.map { Tables(schema: max($0, 0)) }

    private static let mantissaMask: UInt64 = (1 << 52) - 1

    /// `2^(index / 2^schema − 1)`, the bound as a fraction of the octave's top.
    private static func octaveBound(_ index: Int, schema: Int) -> Double {
        exp2(Double(index) / Double(1 << schema) - 1)
    }

    /// The growth factor from one bucket's upper bound to the next.
    public var factor: Double { exp2(exp2(Double(-schema))) }

    /// The index of the bucket holding `value` (its magnitude, for a negative one); `value` must be finite and
    /// non-zero.
    ///
    /// Read from the bits: the binary exponent gives the power of two, the mantissa's top bits a cell of a
    /// table of how many bucket bounds lie below it and one comparison the bucket within it, with no logarithm
    /// and no search.
    @inline(__always)
    public func index(of value: Double) -> Int {
        precondition(value.isFinite && value != 0, "only finite non-zero values have a bucket")
        return index(ofMagnitude: value.magnitude)
    }

    /// ``index(of:)`` for a finite `magnitude` above zero, unchecked: an observation's path, which has checked.
    @inline(__always)
    func index(ofMagnitude magnitude: Double) -> Int {
        var bits = magnitude.bitPattern
        var exponent = Int(truncatingIfNeeded: bits &>> 52) &- 1023
        if exponent == -1023 {
            // Subnormal: scaled up by 2^64, exactly, and its exponent taken back down.
            bits = (magnitude * 0x1p64).bitPattern
            exponent = Int(truncatingIfNeeded: bits &>> 52) &- (1023 + 64)
        }
        let mantissa = bits & Self.mantissaMask
        let below = Int(truncatingIfNeeded: tables.thresholdsBelowCell[Int(truncatingIfNeeded: mantissa &>> tables.cellShift)])
        let within = below &+ (tables.mantissaThresholds[below] < mantissa ? 1 : 0)
        // A power of two (mantissa 0) is the top of the last bucket of the octave below: `within` is 0 there.
        let index = (exponent &<< tables.schema) &+ within
        guard schema < 0 else { return index }
        // Schemas below 0 merge 2^-schema octaves into a bucket: round the octave index up to that.
        return (index &+ (1 &<< -schema) &- 1) &>> -schema
    }

    /// The upper bound of bucket `index`: `factor^index`, from the same octave bounds ``index(of:)`` compares with,
    /// so the two agree exactly at every bound in the normal range (subnormal bounds round; they lie far below any
    /// zero threshold).
    public func upperBound(of index: Int) -> Double {
        guard schema > 0 else { return Double(sign: .plus, exponent: index << -schema, significand: 1) }
        // The octave below the bound (an arithmetic shift floors), then the bucket within the octave.
        let octave = index >> schema
        let within = index & ((1 << schema) - 1)
        return Double(sign: .plus, exponent: octave + 1, significand: tables.upperBoundsOfOneOctave[within])
    }
}
