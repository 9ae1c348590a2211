import Foundation
import Logging
import Spyglass
import SpyglassOpenAI

/// `POST /v1/commands` body.
struct Command: Decodable {
    let kind: String
    let prompt: String
    /// Answer only once the job has finished, with its result (200), instead of at once (202).
    var wait: Bool?
}

/// `GET /v1/jobs` answer: a page of jobs, newest first.
struct JobList: Encodable {
    let jobs: [Job]
    /// The `cursor` for the next page; absent on the last one.
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextCursor = "next_cursor"
    }

    static let defaultLimit = 50
    static let maximumLimit = 500
}

/// `POST /v1/chat` body.
struct ChatMessageBody: Decodable {
    let message: String
}

/// `POST /v1/chat` answer.
struct ChatAnswer: Codable, Sendable {
    let reply: String
    let model: String?
    let inputTokens: Int?
    let outputTokens: Int?
}

/// A request the API refuses: the status and the message a framework adapter answers with (Hummingbird's
/// `HTTPError`, Vapor's `Abort`).
struct DemoError: Error {
    let status: Int
    let message: String
}

/// An answer of the API: a status and a JSON body.
struct DemoAnswer: Sendable {
    let status: Int
    let json: [UInt8]

    init(status: Int = 200, _ value: some Encodable) {
        self.status = status
        json = (try? Array(JSONEncoder().encode(value))) ?? Array(#"{"error":"could not encode the answer"}"#.utf8)
    }
}

/// The demo's agent/job API, in the spirit of the seeds' apps, whatever the framework serves it: each route is
/// a function of the request's parts, and `HummingbirdDemoServer` and `VaporDemoServer` only route to it. The job
/// store is in memory; its reads and writes are recorded as queries of table `jobs` (`db_queries_total`), as a
/// database-backed store's would be.
struct DemoAPI: Sendable {
    let store: JobStore
    let agents: DemoAgents
    let answers: AnswerCache
    let database: DatabaseMetrics
    let logger: Logger

    /// `GET /v1/echo/{word}`.
    func echo(_ word: String) -> String {
        logger.info("echo_requested", metadata: ["word": "\(word)"])
        return word
    }

    /// `POST /v1/commands`: a job (202), or with `wait` its result once finished (200).
    func command(_ body: [UInt8]) async throws -> DemoAnswer {
        let command = try Self.decode(Command.self, from: body)
        guard let kind = Job.Kind(rawValue: command.kind) else {
            throw DemoError(status: 400, message: "kind \"\(command.kind)\" is not one of research, creative")
        }
        guard !command.prompt.isEmpty, command.prompt.count <= 4_000 else {
            throw DemoError(status: 400, message: "prompt must be 1 to 4000 characters")
        }
        let job: Job
        do {
            job = try await database.track("insert", table: "jobs") { try store.create(kind: kind, prompt: command.prompt) }
        } catch let limit as JobLedger.LimitReached {
            throw DemoError(status: 429, message: "\(limit)")
        }
        guard command.wait == true, let finished = await store.finished(job.id) else {
            return DemoAnswer(status: 202, job)
        }
        return DemoAnswer(finished)
    }

    /// `POST /v1/chat`: an agent run inside the request (request → invoke_agent assistant → execute_tool, chat), its
    /// answers cached by question for a minute.
    func chat(_ body: [UInt8]) async throws -> DemoAnswer {
        let message = try Self.decode(ChatMessageBody.self, from: body).message
        guard !message.isEmpty, message.count <= 4_000 else {
            throw DemoError(status: 400, message: "message must be 1 to 4000 characters")
        }
        do {
            let answer = try await answers.answer(message) {
                let completion = try await agents.assistant(message) { store.page(limit: 20).jobs }
                return ChatAnswer(
                    reply: completion.message.content,
                    model: completion.model,
                    inputTokens: completion.usage?.inputTokens,
                    outputTokens: completion.usage?.outputTokens
                )
            }
            return DemoAnswer(answer)
        } catch let error as OpenAIError {
            throw DemoError(status: 502, message: "the model failed: \(error)")
        }
    }

    /// `GET /v1/jobs`: the page `limit` (1–500, default 50) and `cursor` (an earlier page's `next_cursor`) ask for;
    /// anything else, or a value that cannot be used, is a 400 that says what is allowed.
    func jobs(query: [(name: String, value: String)]) async throws -> DemoAnswer {
        var limit = JobList.defaultLimit
        var cursor: Int?
        for (name, value) in query {
            switch name {
            case "limit":
                guard let number = Int(value), (1...JobList.maximumLimit).contains(number) else {
                    throw DemoError(status: 400, message: "limit=\"\(value.prefix(64))\" is not allowed: expected a whole number from 1 to \(JobList.maximumLimit)")
                }
                limit = number
            case "cursor":
                guard let number = Int(value), number >= 1 else {
                    throw DemoError(status: 400, message: "cursor=\"\(value.prefix(64))\" is not allowed: expected the next_cursor of an earlier page")
                }
                cursor = number
            default:
                throw DemoError(status: 400, message: "parameter \"\(name.prefix(64))\" is not allowed: expected limit or cursor")
            }
        }
        let page = await database.track("select", table: "jobs") { store.page(limit: limit, cursor: cursor) }
        return DemoAnswer(JobList(jobs: page.jobs, nextCursor: page.nextCursor.map(String.init)))
    }

    /// `GET /v1/jobs/{id}`.
    func job(_ id: String) async throws -> DemoAnswer {
        guard let job = await database.track("select", table: "jobs", { store.job(id) }) else {
            throw DemoError(status: 404, message: "no job \(id)")
        }
        return DemoAnswer(job)
    }

    /// `DELETE /v1/jobs/{id}`: cancels the job (202).
    func cancel(_ id: String) async throws -> DemoAnswer {
        guard let job = await database.track("update", table: "jobs", { store.cancel(id) }) else {
            throw DemoError(status: 404, message: "no job \(id)")
        }
        return DemoAnswer(status: 202, job)
    }

    private static func decode<Body: Decodable>(_ type: Body.Type, from body: [UInt8]) throws -> Body {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let error as DecodingError {
            throw DemoError(status: 400, message: "the body is not a \(type) in JSON: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath.isEmpty ? context.debugDescription : "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is not valid"
        @unknown default: "it could not be read"
        }
    }
}
