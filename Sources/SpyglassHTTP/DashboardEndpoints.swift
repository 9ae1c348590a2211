public import SpyglassDashboard
import Foundation

extension SpyglassRoute {
    /// `dashboard` at `/spyglass`: the page and its assets, the login, and the JSON API under `/spyglass/api/`
    /// (documented in `docs/dashboard-api.md`).
    ///
    /// The page and the API ask for the dashboard's token: `GET /spyglass/login?t=<token>` (the link to open)
    /// keeps it in an HTTP-only cookie scoped to `/spyglass`; scripts send `Authorization: Bearer <token>`.
    /// The middleware leaves `/spyglass` out of the service's metrics by default
    /// (``HTTPInstrumentationConfiguration/excludedPaths``), so the dashboard's polling is not traffic.
    public static func dashboard(_ dashboard: Dashboard) -> [SpyglassRoute] {
        let access = DashboardAccess(token: dashboard.token)
        var routes = [
            SpyglassRoute("/spyglass") { request in
                guard access.allows(request.headers) else { return DashboardResponses.redirect(to: "/spyglass/login") }
                return DashboardResponses.asset(DashboardAssets.page, contentType: "text/html; charset=utf-8")
            },
            SpyglassRoute("/spyglass/app.js") { _ in DashboardResponses.asset(DashboardAssets.script, contentType: "text/javascript; charset=utf-8") },
            SpyglassRoute("/spyglass/app.css") { _ in DashboardResponses.asset(DashboardAssets.styles, contentType: "text/css; charset=utf-8") },
            SpyglassRoute("/spyglass/login") { request in
                guard let given = request.queryItems.first(where: { $0.0 == "t" })?.1 else {
                    return DashboardResponses.asset(DashboardAssets.login(failed: false), contentType: "text/html; charset=utf-8")
                }
                guard access.accepts(token: given) else {
                    return DashboardResponses.asset(DashboardAssets.login(failed: true), contentType: "text/html; charset=utf-8", status: 401)
                }
                var response = DashboardResponses.redirect(to: "/spyglass")
                response.headers.append(("Set-Cookie", access.cookie))
                return response
            },
            SpyglassRoute("/spyglass/logout") { _ in
                var response = DashboardResponses.redirect(to: "/spyglass/login")
                response.headers.append(("Set-Cookie", DashboardAccess.expiredCookie))
                return response
            },
        ]

        func serve(_ path: String, _ body: @escaping @Sendable (SpyglassEndpointRequest) async throws -> [UInt8]) {
            routes.append(SpyglassRoute("/spyglass/api" + path) { request in
                guard access.allows(request.headers) else {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "unauthorized: open /spyglass/login?t=<token> or send Authorization: Bearer <token>"]), status: 401)
                }
                do {
                    return DashboardResponses.json(try await body(request))
                } catch let error as DashboardQueryError {
                    return DashboardResponses.json(DashboardResponses.encode(error), status: 400)
                } catch is DashboardNotFound {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "not found"]), status: 404)
                } catch {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "could not answer: \(error)"]), status: 500)
                }
            })
        }
        serve("/overview") { request in
            let minutes = try DashboardQuery(request.queryItems, allowed: ["minutes"]).integer("minutes", default: 30, in: 1...1440)
            return DashboardResponses.encode(dashboard.charts(Dashboard.overviewCharts, minutes: minutes))
        }
        serve("/traces") { request in DashboardResponses.encode(dashboard.traces(try TraceFilter(request.queryItems))) }
        serve("/traces/{id}") { request in
            guard let trace = dashboard.trace(id: request.parameters["id"] ?? "") else { throw DashboardNotFound() }
            return DashboardResponses.encode(trace)
        }
        serve("/logs") { request in dashboard.logs(try LogFilter(request.queryItems)) }
        serve("/health") { request in
            _ = try DashboardQuery(request.queryItems, allowed: [])
            return DashboardResponses.encode(await dashboard.healthBody())
        }
        serve("/genai") { request in
            let parameters = try DashboardQuery(request.queryItems, allowed: ["minutes", "limit"])
            return DashboardResponses.encode(dashboard.genAI(
                minutes: try parameters.integer("minutes", default: 30, in: 1...1440),
                limit: try parameters.integer("limit", default: 50, in: 1...1000)
            ))
        }
        serve("/jobs") { request in
            let limit = try DashboardQuery(request.queryItems, allowed: ["limit"]).integer("limit", default: 100, in: 1...1000)
            return DashboardResponses.encode(dashboard.jobsBody(limit: limit))
        }
        serve("/errors") { request in
            _ = try DashboardQuery(request.queryItems, allowed: [])
            return DashboardResponses.encode(dashboard.errorsBody())
        }
        return routes
    }
}

private struct DashboardNotFound: Error {}

/// Who may see the dashboard: requests carrying its token, in the cookie the login set or as a bearer token.
struct DashboardAccess: Sendable {
    static let cookieName = "spyglass_token"
    static let expiredCookie = "\(cookieName)=; Path=/spyglass; Max-Age=0; HttpOnly; SameSite=Strict"
    let token: String

    /// The cookie the login sets: for `/spyglass` only, out of scripts' reach, never sent by other sites, for a day.
    var cookie: String { "\(Self.cookieName)=\(token); Path=/spyglass; Max-Age=86400; HttpOnly; SameSite=Strict" }

    func allows(_ headers: any HTTPHeaderLookup) -> Bool {
        if let authorization = headers.firstValue(named: HTTPHeaderName.authorization) {
            return EndpointCredential.bearer(token: token).accepts(authorization)
        }
        for header in headers.values(named: HTTPHeaderName.cookie) {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix(Self.cookieName + "="), accepts(token: String(trimmed.dropFirst(Self.cookieName.count + 1))) {
                    return true
                }
            }
        }
        return false
    }

    /// Compared in constant time.
    func accepts(token given: String) -> Bool {
        EndpointCredential.bearer(token: token).accepts("Bearer " + given)
    }
}

enum DashboardResponses {
    /// The page may load only its own scripts, styles and data, and may not be framed.
    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    static func asset(_ text: String, contentType: String, status: Int = 200) -> SpyglassEndpointResponse {
        SpyglassEndpointResponse(status: status, headers: securityHeaders + [("Content-Type", contentType)], body: Array(text.utf8))
    }

    static func redirect(to location: String) -> SpyglassEndpointResponse {
        SpyglassEndpointResponse(status: 303, headers: securityHeaders + [("Location", location)])
    }

    static func json(_ body: [UInt8], status: Int = 200) -> SpyglassEndpointResponse {
        SpyglassEndpointResponse(status: status, headers: securityHeaders + [("Content-Type", "application/json")], body: body)
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":"could not encode the answer"}"#.utf8)
    }
}
