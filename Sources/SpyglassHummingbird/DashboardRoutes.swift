public import SpyglassDashboard
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

extension Router {
    /// Serves `dashboard` at `/spyglass`: the page and its assets, the login, and the JSON API under
    /// `/spyglass/api/` (documented in `docs/dashboard-api.md`).
    ///
    /// The page and the API ask for the dashboard's token: `GET /spyglass/login?t=<token>` (the link to open)
    /// keeps it in an HTTP-only cookie scoped to `/spyglass`; scripts send `Authorization: Bearer <token>`.
    /// ``SpyglassMiddleware`` leaves `/spyglass` out of the service's metrics by default
    /// (``HTTPInstrumentationConfiguration/excludedPaths``), so the dashboard's polling is not traffic.
    public func addDashboard(_ dashboard: Dashboard) {
        let access = DashboardAccess(token: dashboard.token)
        get("/spyglass") { request, _ -> Response in
            guard access.allows(request) else { return DashboardResponses.redirect(to: "/spyglass/login") }
            return DashboardResponses.asset(DashboardAssets.page, contentType: "text/html; charset=utf-8")
        }
        get("/spyglass/app.js") { _, _ in DashboardResponses.asset(DashboardAssets.script, contentType: "text/javascript; charset=utf-8") }
        get("/spyglass/app.css") { _, _ in DashboardResponses.asset(DashboardAssets.styles, contentType: "text/css; charset=utf-8") }
        get("/spyglass/login") { request, _ -> Response in
            guard let given = request.uri.queryParameters["t"].map(String.init) else {
                return DashboardResponses.asset(DashboardAssets.login(failed: false), contentType: "text/html; charset=utf-8")
            }
            guard access.accepts(token: given) else {
                return DashboardResponses.asset(DashboardAssets.login(failed: true), contentType: "text/html; charset=utf-8", status: .unauthorized)
            }
            var response = DashboardResponses.redirect(to: "/spyglass")
            response.headers[.setCookie] = access.cookie
            return response
        }
        get("/spyglass/logout") { _, _ -> Response in
            var response = DashboardResponses.redirect(to: "/spyglass/login")
            response.headers[.setCookie] = DashboardAccess.expiredCookie
            return response
        }

        let api = group("/spyglass/api")
        func serve(_ path: RouterPath, _ body: @escaping @Sendable (Request, Parameters) async throws -> [UInt8]) {
            api.get(path) { request, context -> Response in
                guard access.allows(request) else {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "unauthorized: open /spyglass/login?t=<token> or send Authorization: Bearer <token>"]), status: .unauthorized)
                }
                do {
                    return DashboardResponses.json(try await body(request, context.parameters))
                } catch let error as DashboardQueryError {
                    return DashboardResponses.json(DashboardResponses.encode(error), status: .badRequest)
                } catch is DashboardNotFound {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "not found"]), status: .notFound)
                } catch {
                    return DashboardResponses.json(DashboardResponses.encode(["error": "could not answer: \(error)"]), status: .internalServerError)
                }
            }
        }
        serve("/overview") { request, _ in
            let minutes = try DashboardQuery(query(request), allowed: ["minutes"]).integer("minutes", default: 30, in: 1...1440)
            return DashboardResponses.encode(dashboard.charts(Dashboard.overviewCharts, minutes: minutes))
        }
        serve("/traces") { request, _ in DashboardResponses.encode(dashboard.traces(try TraceFilter(query(request)))) }
        serve("/traces/{id}") { _, parameters in
            guard let trace = dashboard.trace(id: parameters.get("id") ?? "") else { throw DashboardNotFound() }
            return DashboardResponses.encode(trace)
        }
        serve("/logs") { request, _ in dashboard.logs(try LogFilter(query(request))) }
        serve("/health") { request, _ in
            _ = try DashboardQuery(query(request), allowed: [])
            return DashboardResponses.encode(await dashboard.healthBody())
        }
        serve("/genai") { request, _ in
            let parameters = try DashboardQuery(query(request), allowed: ["minutes", "limit"])
            return DashboardResponses.encode(dashboard.genAI(
                minutes: try parameters.integer("minutes", default: 30, in: 1...1440),
                limit: try parameters.integer("limit", default: 50, in: 1...1000)
            ))
        }
        serve("/jobs") { request, _ in
            let limit = try DashboardQuery(query(request), allowed: ["limit"]).integer("limit", default: 100, in: 1...1000)
            return DashboardResponses.encode(dashboard.jobsBody(limit: limit))
        }
        serve("/errors") { request, _ in
            _ = try DashboardQuery(query(request), allowed: [])
            return DashboardResponses.encode(dashboard.errorsBody())
        }
    }
}

private struct DashboardNotFound: Error {}

/// The request's query parameters, percent-decoded.
private func query(_ request: Request) -> [(String, String)] {
    request.uri.queryParameters.map { (String($0.key), String($0.value)) }
}

/// Who may see the dashboard: requests carrying its token, in the cookie the login set or as a bearer token.
struct DashboardAccess: Sendable {
    static let cookieName = "spyglass_token"
    static let expiredCookie = "\(cookieName)=; Path=/spyglass; Max-Age=0; HttpOnly; SameSite=Strict"
    let token: String

    /// The cookie the login sets: for `/spyglass` only, out of scripts' reach, never sent by other sites, for a day.
    var cookie: String { "\(Self.cookieName)=\(token); Path=/spyglass; Max-Age=86400; HttpOnly; SameSite=Strict" }

    func allows(_ request: Request) -> Bool {
        if let authorization = request.headers[.authorization] {
            return EndpointCredential.bearer(token: token).accepts(authorization)
        }
        for header in request.headers[values: .cookie] {
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
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    static func asset(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func json(_ body: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":"could not encode the answer"}"#.utf8)
    }
}
