import Tracing

/// A JSON value the dashboard's API writes: span attributes keep their types (numbers stay numbers).
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    case array([JSONValue])
    case null

    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .string(let value): self = .string(value)
        case .int32(let value): self = .integer(Int64(value))
        case .int64(let value): self = .integer(value)
        case .double(let value): self = .number(value)
        case .bool(let value): self = .bool(value)
        case .stringArray(let values): self = .array(values.map { .string($0) })
        case .int32Array(let values): self = .array(values.map { .integer(Int64($0)) })
        case .int64Array(let values): self = .array(values.map { .integer($0) })
        case .doubleArray(let values): self = .array(values.map { .number($0) })
        case .boolArray(let values): self = .array(values.map { .bool($0) })
        case .stringConvertible(let value): self = .string(value.description)
        case .stringConvertibleArray(let values): self = .array(values.map { .string($0.description) })
        default: self = .null
        }
    }

    static func attributes(_ attributes: SpanAttributes) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        attributes.forEach { key, value in result[key] = JSONValue(value) }
        return result
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .null: try container.encodeNil()
        }
    }

    var number: Double? {
        switch self {
        case .number(let value): value
        case .integer(let value): Double(value)
        case .string(let value): Double(value)
        default: nil
        }
    }

    var text: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }
}
