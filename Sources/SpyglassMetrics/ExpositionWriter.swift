import SpyglassCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends metric families to a byte buffer in one of the ``ExpositionFormat``s.
///
/// The buffer is managed by hand: each sample reserves its worst-case size once and is then copied in with
/// `memcpy`, instead of paying `Array.append`'s checks for every piece of every line.
struct ExpositionWriter: ~Copyable {
    let format: ExpositionFormat
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(format: ExpositionFormat, capacity: Int) {
        self.format = format
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    consuming func finish() -> [UInt8] {
        if format == .openMetrics { write("# EOF\n") }
        let result = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.initialize(from: base, count: count)
            initialized = count
        }
        return result
    }

    /// `# HELP`, `# TYPE` and, in OpenMetrics, `# UNIT` for a family. `name` is the family name as OpenMetrics
    /// has it (a counter's without `_total`); text 0.0.4 names a counter's family by its sample, `…_total`.
    mutating func header(name: String, type: MetricType, help: String, unit: String?) {
        let familyName = format == .prometheusText && type == .counter ? name + "_total" : name
        write("# HELP ")
        write(familyName)
        write(" ")
        writeEscapedHelp(help)
        write("\n# TYPE ")
        write(familyName)
        write(" ")
        write(type.rawValue)
        write("\n")
        if format == .openMetrics, let unit {
            write("# UNIT ")
            write(familyName)
            write(" ")
            write(unit)
            write("\n")
        }
    }

    /// One sample line: `name{labels,extra} value` plus, in OpenMetrics, ` # {trace_id=…,span_id=…} value ts`.
    mutating func sample(
        name: String,
        suffix: StaticString = "",
        labels: [UInt8],
        extraLabel: (name: StaticString, value: [UInt8])? = nil,
        value: Double,
        exemplar: Exemplar? = nil
    ) {
        write(name)
        write(suffix)
        if !labels.isEmpty || extraLabel != nil {
            write(UInt8(ascii: "{"))
            labels.withUnsafeBufferPointer { write($0) }
            if let extraLabel {
                if !labels.isEmpty { write(UInt8(ascii: ",")) }
                write(extraLabel.name)
                write("=\"")
                extraLabel.value.withUnsafeBufferPointer { write($0) }
                write(UInt8(ascii: "\""))
            }
            write(UInt8(ascii: "}"))
        }
        write(UInt8(ascii: " "))
        write(number: value)
        if format == .openMetrics, let exemplar {
            write(" # {trace_id=\"")
            writeEscapedLabelValue(exemplar.span.traceID)
            write("\",span_id=\"")
            writeEscapedLabelValue(exemplar.span.spanID)
            write("\"} ")
            write(number: exemplar.value)
            write(UInt8(ascii: " "))
            write(timestamp: exemplar.timestamp)
        }
        write(UInt8(ascii: "\n"))
    }

    // MARK: Bytes

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    private mutating func write(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    private mutating func write(_ text: StaticString) {
        write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    private mutating func write(_ text: String) {
        text.withUTF8Bytes { write($0) }
    }

    private mutating func writeEscapedLabelValue(_ value: String) {
        var escaped: [UInt8] = []
        escaped.appendEscapedLabelValue(value)
        escaped.withUnsafeBufferPointer { write($0) }
    }

    /// HELP text: `\` and line feeds escaped in both formats, `"` too in OpenMetrics.
    private mutating func writeEscapedHelp(_ help: String) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): write(#"\\"#)
            case UInt8(ascii: "\n"): write(#"\n"#)
            case UInt8(ascii: "\""): if format == .openMetrics { write(#"\""#) } else { write(byte) }
            default: write(byte)
            }
        }
    }

    /// Whole numbers as integers, others in Swift's shortest round-trip form, which both formats parse.
    mutating func write(number value: Double) {
        if value.isNaN {
            write("NaN")
        } else if value.isInfinite {
            write(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            write(integer: Int64(value))
        } else {
            write(value.description)
        }
    }

    private mutating func write(integer value: Int64) {
        reserve(20)
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var limit: UInt64 = 10
        while digits < 19, magnitude >= limit {
            digits += 1
            limit &*= 10
        }
        var position = count + digits
        count = position
        repeat {
            position -= 1
            base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }

    /// Seconds since the epoch with millisecond precision, as OpenMetrics exemplar timestamps are written.
    private mutating func write(timestamp: Double) {
        let milliseconds = Int64((timestamp * 1000).rounded())
        write(integer: milliseconds / 1000)
        write(UInt8(ascii: "."))
        let fraction = milliseconds % 1000
        if fraction < 100 { write(UInt8(ascii: "0")) }
        if fraction < 10 { write(UInt8(ascii: "0")) }
        write(integer: fraction)
    }
}

/// What a metric family is, as both formats name it in `# TYPE`.
enum MetricType: String, Sendable {
    case counter, gauge, histogram

    init(_ kind: MetricDefinition.Kind) {
        switch kind {
        case .counter: self = .counter
        case .gauge: self = .gauge
        case .histogram: self = .histogram
        }
    }
}

extension Double {
    /// A histogram bound as an `le` label value: `+Inf`, or a float that always has a decimal point or an
    /// exponent (`1.0`, `0.005`), as OpenMetrics writes them.
    var bucketLabel: [UInt8] {
        if isInfinite { return Array("+Inf".utf8) }
        if self == rounded(.towardZero), abs(self) < 1e15 { return Array("\(Int64(self)).0".utf8) }
        return Array(description.utf8)
    }
}
