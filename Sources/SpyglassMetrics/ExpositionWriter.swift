/// Appends metric families to a byte buffer in one of the ``ExpositionFormat``s.
struct ExpositionWriter {
    let format: ExpositionFormat
    var bytes: [UInt8] = []

    init(format: ExpositionFormat, capacity: Int) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// `# HELP`, `# TYPE` and, in OpenMetrics, `# UNIT` for a family. `name` is the family name as OpenMetrics
    /// has it (a counter's without `_total`); text 0.0.4 names a counter's family by its sample, `…_total`.
    mutating func header(name: String, type: MetricType, help: String, unit: String?) {
        let familyName = format == .prometheusText && type == .counter ? name + "_total" : name
        append("# HELP ")
        append(familyName)
        append(" ")
        appendEscapedHelp(help)
        append("\n# TYPE ")
        append(familyName)
        append(" ")
        append(type.rawValue)
        append("\n")
        if format == .openMetrics, let unit {
            append("# UNIT ")
            append(familyName)
            append(" ")
            append(unit)
            append("\n")
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
        append(name)
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        if !labels.isEmpty || extraLabel != nil {
            bytes.append(UInt8(ascii: "{"))
            bytes.append(contentsOf: labels)
            if let extraLabel {
                if !labels.isEmpty { bytes.append(UInt8(ascii: ",")) }
                extraLabel.name.withUTF8Buffer { bytes.append(contentsOf: $0) }
                append("=\"")
                bytes.append(contentsOf: extraLabel.value)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        append(number: value)
        if format == .openMetrics, let exemplar {
            append(" # {trace_id=\"")
            bytes.appendEscapedLabelValue(exemplar.span.traceID)
            append("\",span_id=\"")
            bytes.appendEscapedLabelValue(exemplar.span.spanID)
            append("\"} ")
            append(number: exemplar.value)
            bytes.append(UInt8(ascii: " "))
            append(timestamp: exemplar.timestamp)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    mutating func finish() {
        if format == .openMetrics { append("# EOF\n") }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// HELP text: `\` and line feeds escaped in both formats, `"` too in OpenMetrics.
    private mutating func appendEscapedHelp(_ help: String) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append(#"\\"#)
            case UInt8(ascii: "\n"): append(#"\n"#)
            case UInt8(ascii: "\"") where format == .openMetrics: append(#"\""#)
            default: bytes.append(byte)
            }
        }
    }

    /// Whole numbers as integers, others in Swift's shortest round-trip form, which both formats parse.
    mutating func append(number value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            append(integer: Int64(value))
        } else {
            append(value.description)
        }
    }

    private mutating func append(integer value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: scratch[index...])
        }
    }

    /// Seconds since the epoch with millisecond precision, as OpenMetrics exemplar timestamps are written.
    private mutating func append(timestamp: Double) {
        let milliseconds = Int64((timestamp * 1000).rounded())
        append(integer: milliseconds / 1000)
        bytes.append(UInt8(ascii: "."))
        let fraction = milliseconds % 1000
        if fraction < 100 { bytes.append(UInt8(ascii: "0")) }
        if fraction < 10 { bytes.append(UInt8(ascii: "0")) }
        append(integer: fraction)
    }
}

/// What a metric family is, as both formats name it in `# TYPE`.
enum MetricType: String, Sendable {
    case counter, gauge, histogram
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
