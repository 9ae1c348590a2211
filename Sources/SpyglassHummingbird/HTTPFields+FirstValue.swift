import HTTPTypes

extension HTTPFields {
    /// The value of the first field named `name`.
    ///
    /// For single-valued fields (`User-Agent`, `Content-Length`, `X-Request-ID`). The `subscript(_:)` getter joins
    /// every field of the name through a lazy sequence the compiler does not specialise, which costs runtime type
    /// lookups on each call.
    func firstValue(_ name: HTTPField.Name) -> String? {
        for field in self where field.name == name { return field.value }
        return nil
    }
}
