import NIOHTTP1
import SpyglassHTTP

/// A Vapor request's headers as the HTTP core reads them; NIO compares names case-insensitively.
struct VaporHeaders: HTTPHeaderLookup {
    let headers: HTTPHeaders

    func firstValue(named name: String) -> String? {
        headers.first(name: name)
    }

    func values(named name: String) -> [String] {
        headers[name]
    }
}
