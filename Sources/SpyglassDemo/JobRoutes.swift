import Foundation
import Hummingbird
import Spyglass
import SpyglassOpenAI

extension Job: ResponseCodable {}

/// `POST /v1/commands` body.
struct Command: Decodable {
    let kind: String
    let prompt: String
    /// Answer only once the job has finished, with its result (200), instead of at once (202).
    var wait: Bool?
}

/// `GET /v1/jobs` answer: a page of jobs, newest first.
struct JobList: ResponseCodable {
    let jobs: [Job]
    /// The `cursor` for the next page; absent on the last one.
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextCursor = "next_cursor"
    }

    static let defaultLimit = 50
    static let maximumLimit = 500

    /// The page `GET /v1/jobs` asks for: `limit` (1–500, default 50) and `cursor` (an earlier page's
    /// `next_cursor`); anything else, or a value that cannot be used, is a 400 that says what is allowed.
    static func page(of store: JobStore, query: [(name: String, value: String)]) throws -> JobList {
        var limit = defaultLimit
        var cursor: Int?
        for (name, value) in query {
            switch name {
            case "limit":
                guard let number = Int(value), (1...maximumLimit).contains(number) else {
                    throw HTTPError(.badRequest, message: "limit=\"\(value.prefix(64))\" is not allowed: expected a whole number from 1 to \(maximumLimit)")
                }
                limit = number
            case "cursor":
                guard let number = Int(value), number >= 1 else {
                    throw HTTPError(.badRequest, message: "cursor=\"\(value.prefix(64))\" is not allowed: expected the next_cursor of an earlier page")
                }
                cursor = number
            default:
                throw HTTPError(.badRequest, message: "parameter \"\(name.prefix(64))\" is not allowed: expected limit or cursor")
            }
        }
        let page = store.page(limit: limit, cursor: cursor)
        return JobList(jobs: page.jobs, nextCursor: page.nextCursor.map(String.init))
    }
}

/// `POST /v1/chat` body.
struct ChatMessageBody: Decodable {
    let message: String
}

/// `POST /v1/chat` answer.
struct ChatAnswer: ResponseCodable, Sendable {
    let reply: String
    let model: String?
    let inputTokens: Int?
    let outputTokens: Int?
}

extension Router<DemoRequestContext> {
    /// The demo's agent/job API, in the spirit of the seeds' apps. The job store is in memory; its reads and
    /// writes are recorded as queries of table `jobs` (`db_queries_total`), as a database-backed store's would be.
    func addJobRoutes(_ store: JobStore, agents: DemoAgents, answers: AnswerCache, database: DatabaseMetrics) {
        post("/v1/commands") { request, context -> EditedResponse<Job> in
            let command = try await request.decode(as: Command.self, context: context)
            guard let kind = Job.Kind(rawValue: command.kind) else {
                throw HTTPError(.badRequest, message: "kind \"\(command.kind)\" is not one of research, creative")
            }
            guard !command.prompt.isEmpty, command.prompt.count <= 4_000 else {
                throw HTTPError(.badRequest, message: "prompt must be 1 to 4000 characters")
            }
            let job: Job
            do {
                job = try await database.track("insert", table: "jobs") { try store.create(kind: kind, prompt: command.prompt) }
            } catch let limit as JobLedger.LimitReached {
                throw HTTPError(.tooManyRequests, message: "\(limit)")
            }
            guard command.wait == true, let finished = await store.finished(job.id) else {
                return EditedResponse(status: .accepted, response: job)
            }
            return EditedResponse(status: .ok, response: finished)
        }
        // An agent run inside the request (request → invoke_agent assistant → execute_tool, chat), its answers
        // cached by question for a minute.
        post("/v1/chat") { request, context -> ChatAnswer in
            let body = try await request.decode(as: ChatMessageBody.self, context: context)
            guard !body.message.isEmpty, body.message.count <= 4_000 else {
                throw HTTPError(.badRequest, message: "message must be 1 to 4000 characters")
            }
            do {
                return try await answers.answer(body.message) {
                    let completion = try await agents.assistant(body.message) { store.page(limit: 20).jobs }
                    return ChatAnswer(
                        reply: completion.message.content,
                        model: completion.model,
                        inputTokens: completion.usage?.inputTokens,
                        outputTokens: completion.usage?.outputTokens
                    )
                }
            } catch let error as OpenAIError {
                throw HTTPError(.badGateway, message: "the model failed: \(error)")
            }
        }
        get("/v1/jobs") { request, _ in
            let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            return try await database.track("select", table: "jobs") { try JobList.page(of: store, query: query) }
        }
        get("/v1/jobs/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let job = await database.track("select", table: "jobs", { store.job(id) }) else {
                throw HTTPError(.notFound, message: "no job \(id)")
            }
            return job
        }
        delete("/v1/jobs/{id}") { _, context -> EditedResponse<Job> in
            let id = try context.parameters.require("id")
            guard let job = await database.track("update", table: "jobs", { store.cancel(id) }) else {
                throw HTTPError(.notFound, message: "no job \(id)")
            }
            return EditedResponse(status: .accepted, response: job)
        }
    }
}
