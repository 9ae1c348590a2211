import NIOHTTP1
import SpyglassHTTP

/// A Vapor request's headers as the HTTP core reads them; NIO compares names case-insensitively.
struct VaporHeaders: HTTPHeaderLookup {
    let headers: HTTPHeaders

    func firstValue(named name: HTTPHeaderName) -> String? {
        headers.first(name: name.text)
    }

    func values(named name: HTTPHeaderName) -> [String] {
        headers[name.text]
    }

    func forEachField(_ body: (_ name: String, _ value: String) -> Void) {
        for (name, value) in headers { body(name, value) }
    }
}
