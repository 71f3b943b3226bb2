import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore

/// The demo database: `incentives` with no arguments on a machine with no database builds one from
/// Assets/demo, so that the first thing anyone sees is real data.
enum Demo {
    /// The folder with the demo's catalog.json, roster.jsonl and events.jsonl: `$INCENTIVES_ASSETS`
    /// (the Assets folder or the demo folder itself), else Assets/demo found by walking up from the
    /// executable's folder and from the current folder.
    static func assetsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        func isDemo(_ dir: String) -> Bool {
            ["catalog.json", "roster.jsonl", "events.jsonl"].allSatisfy { FileManager.default.fileExists(atPath: dir + "/" + $0) }
        }
        if let env = environment["INCENTIVES_ASSETS"], !env.isEmpty {
            for dir in [env + "/demo", env] where isDemo(dir) { return dir }
        }
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        for start in [executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var dir = start.standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("Assets/demo").path
                if isDemo(candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }

    /// Creates the database at `path` from the demo files when no file is there. Returns what it did, for people.
    /// A PostgreSQL URL (from `--db` or `$INCENTIVES_DB`) is never a path: nothing is created for it here (the
    /// command opens the server's database, or says it cannot); a folder tree named like the URL was.
    static func ensureDatabase(path: String) throws -> String? {
        guard !PGURL.isPostgres(path), !FileManager.default.fileExists(atPath: path) else { return nil }
        guard let dir = assetsDirectory() else {
            throw CommandFailure(.noInput, "no database at \(path) and no demo data (Assets/demo) found to create one; "
                                 + "set INCENTIVES_ASSETS, or run 'incentives init' and 'incentives ingest'")
        }
        let engine = try Setup.engine(catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl")
        let outcome = try StoreAccess.mapping { () -> Ingestor.Outcome in
            do {
                let store = try Store(path: path, create: true)
                try store.load(catalogJSON: try InputFile.readAll(dir + "/catalog.json"), catalogFile: dir + "/catalog.json",
                               roster: engine.roster, rosterFile: dir + "/roster.jsonl")
                let outcome = try Ingestor(store: store).ingest(path: dir + "/events.jsonl")
                try markDeliveries(StoreDeliveryQueue(store: store), partners: engine.catalog.partners.map(\.id))
                return outcome
            } catch {
                // Half a demo is worse than none: the next run tries again from scratch.
                for suffix in ["", "-wal", "-shm", "-ingest.lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                throw error
            }
        }
        var said = "created the demo database \(path) from \(dir): \(outcome.counts.summary)"
        if let last = lastEventDay(dir + "/events.jsonl") {
            // The demo's dates are fixed: weeks later every streak reads "the run broke" unless the console is
            // told which day to take as today.
            said += "; its events end on \(last.iso): 'incentives console --today \(last.adding(days: 1).iso)' shows it as it stood then"
        }
        return said
    }

    /// The latest calendar date written in an events file's `"at"` values (their first ten characters).
    static func lastEventDay(_ path: String) -> LocalDate? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var last: LocalDate?
        for line in text.split(separator: "\n") {
            guard let r = line.range(of: "\"at\": \"") ?? line.range(of: "\"at\":\""),
                  let day = LocalDate(iso: String(line[r.upperBound...].prefix(10))) else { continue }
            if last.map({ day > $0 }) ?? true { last = day }
        }
        return last
    }

    /// Gives the demo's deliveries several states, as if `incentives deliver` had run for a while, so the Deliveries
    /// screen has something to show: of every five rows (in the queue's order) two delivered, one failed for good
    /// with the partner's error, one failed once and waiting for its retry, one pending. Deterministic.
    static func markDeliveries(_ queue: StoreDeliveryQueue, partners: [String], now: Double = Date().timeIntervalSince1970) throws {
        let rows = try queue.due(partners: partners, at: now, limit: 1_000_000)
        let errors = [
            "HTTP 503 from the partner: service unavailable (maintenance window); gave up after 5 attempts",
            "HTTP 422 from the partner: {\"error\":\"member_unknown\",\"detail\":\"the member is not enrolled with this partner\"}",
            "connection refused (the partner's endpoint did not answer); gave up after 5 attempts",
        ]
        var delivered: [String] = []
        for (i, row) in rows.enumerated() {
            switch i % 5 {
            case 0, 1: delivered.append(row.id)
            case 2: try queue.markFailed(row.id, error: errors[(i / 5) % errors.count], at: now - Double(3_600 * (i % 48)))
            case 3: try queue.recordFailedAttempt(row.id, error: "HTTP 429 from the partner: too many requests; retrying", next: now + 900, at: now - 60)
            default: break
            }
        }
        try queue.markDelivered(delivered, at: now - 86_400)
    }

    /// `incentives` with no arguments and no console command: make sure there is a database and say what is in it.
    static func summary(path: String) throws -> ExitCode {
        if let created = try ensureDatabase(path: path) { printError(created) }
        let reader = try StoreAccess.reader(Arguments.none(db: path))
        let c = try StoreAccess.mapping { try reader.counts() }
        let out = Output.stdout
        out.line("\(path): \(c.users) users, \(c.employers) employers, \(c.programs) programs; \(c.events) events, \(c.achievements) achievements, \(c.rejects) rejected lines")
        if let first = try StoreAccess.mapping({ try reader.achievements(AchievementQuery(order: .newest, limit: 1)) }).first {
            out.line("Try:  incentives user \(first.achievement.user)        (a user's progress and achievements)")
        }
        out.line("      incentives programs                 (the employers' menus)")
        out.line("      incentives achievements --since \(LocalDate(dayNumber: 0).adding(days: Int(Date().timeIntervalSince1970 / 86_400) - 30).iso)")
        out.line("      incentives --help")
        out.flush()
        return .ok
    }
}

extension Arguments {
    /// Arguments holding only `--db PATH`, for code paths that open the store without a command line.
    static func none(db: String) -> Arguments {
        (try? Arguments(["--db", db], valued: ["db"])) ?? (try! Arguments([], valued: []))
    }
}
