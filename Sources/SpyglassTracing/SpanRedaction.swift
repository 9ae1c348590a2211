import SpyglassCore
import Tracing

extension Redactor {
    /// `attributes` with credentials removed from every string value, the way log values are redacted: a URL path
    /// or an error message can carry a token as easily as a log line.
    func redact(_ attributes: SpanAttributes) -> SpanAttributes {
        guard isEnabled else { return attributes }
        var result = attributes
        attributes.forEach { key, attribute in
            switch attribute {
            case .string(let text):
                let redacted = redact(text)
                if redacted != text { result.set(key, value: .string(redacted)) }
            case .stringArray(let texts):
                result.set(key, value: .stringArray(texts.map(redact)))
            case .stringConvertible(let value):
                result.set(key, value: .string(redact(value.description)))
            case .stringConvertibleArray(let values):
                result.set(key, value: .stringArray(values.map { redact($0.description) }))
            default:
                break
            }
        }
        return result
    }
}
