import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput
import IncentivesStore
import IncentivesStores

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
        guard Stores.traits(at: path).isFile, !FileManager.default.fileExists(atPath: path) else { return nil }
        guard let dir = assetsDirectory() else {
            throw CommandFailure(.noInput, "no database at \(path) and no demo data (Assets/demo) found to create one; "
                                 + "set INCENTIVES_ASSETS, or run 'incentives init' and 'incentives ingest'")
        }
        let engine = try Setup.engine(catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl")
        let outcome = try StoreAccess.mapping { () -> IngestOutcome in
            do {
                let store = try Stores.writer(at: path, create: true)
                try store.load(catalogJSON: try InputFile.readAll(dir + "/catalog.json"), catalogFile: dir + "/catalog.json",
                               roster: engine.roster, rosterFile: dir + "/roster.jsonl", effective: nil, backfill: false)
                let outcome = try store.ingest(path: dir + "/events.jsonl")
                try simulateDeliveries(store, catalog: engine.catalog)
                return outcome
            } catch {
                // Half a demo is worse than none: the next run tries again from scratch.
                for suffix in ["", "-wal", "-shm", "-ingest.lock", "-deliver.lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
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

    /// Gives the demo's deliveries the states a while of real sending leaves, so the Deliveries screen has something
    /// to show — made by the real sender, not written by hand: webhook partners' rows go through `Deliverer` and
    /// `RetryPolicy` (8 attempts, as README says) against a `SimulatedPartner` whose scripted answers are read as real
    /// ones; a file-drop partner's rows are marked the way `export` marks them. Of every ten webhook rows (by a hash
    /// of the id, so deterministic): five accepted at once; one answered 503 twice, then accepted; one refused with
    /// 422 (failed at once, not retried); one whose partner never answers (connection refused, or 503 every time:
    /// failed after 8 attempts); one answered 429 with Retry-After of an hour (pending, 1 attempt, its retry due);
    /// one recorded after the sender's last pass (pending, never tried). A file-drop partner's rows completed more
    /// than a week before its newest were exported (delivered); the rest wait for the next export.
    static func simulateDeliveries(_ store: any StoreWriter, catalog: Catalog, now: Double = Date().timeIntervalSince1970) throws {
        let queue = store.deliveryQueue()
        for p in catalog.partners {
            guard case .fileDrop = p.channel else { continue }
            let rows = try queue.exportRows(partner: p.id, since: nil, until: nil)
            guard let newest = rows.map(\.achievement.completedOn).max() else { continue }
            let exported = try queue.exportRows(partner: p.id, since: nil, until: newest.adding(days: -8))
            try queue.markDelivered(exported.map(\.deliveryID), at: now)
        }
        var targets: [Deliverer.Target] = []
        for p in catalog.partners {
            guard case .webhook(let text) = p.channel, let url = URL(string: text) else { continue }
            targets.append(.init(partner: p.id, url: url, secret: PartnerSecret("demo-simulation-secret-\(p.id)")))
        }
        guard !targets.isEmpty else { return }
        @Sendable func bucket(_ id: String) -> UInt64 {
            var h = FNV1a()
            h.add(id)
            return h.value
        }
        let partner = SimulatedPartner { id, attempt in
            let b = bucket(id)
            switch b % 10 {
            case 5: return attempt <= 2 ? .http(503, body: "service unavailable (maintenance window)") : .http(200, body: "ok")
            case 6: return .http(422, body: #"{"error":"member_unknown","detail":"the member is not enrolled with this partner"}"#)
            case 7: return (b / 10) % 2 == 0 ? .refused : .http(503, body: "service unavailable")
            case 8: return .http(429, body: "too many requests", retryAfter: "3600")
            default: return .http(200, body: "ok")
            }
        }
        let view = DemoSenderView(queue) { bucket($0) % 10 == 9 }
        var clock = now
        var random = SplitMix64(seed: 20_261_207)
        let deliverer = Deliverer(queue: view, targets: targets, client: partner, policy: RetryPolicy(), concurrency: 1,
                                  clock: { clock }, random: { Double(random.next() >> 11) / Double(1 << 53) })
        // Pass after pass on a clock that jumps to the next retry, as `deliver` would wait for it, until what is
        // left waits on a partner's Retry-After.
        while true {
            try deliverer.pass()
            guard let next = view.nextRetry, next <= now + 900 else { break }
            clock = max(clock, next)
        }
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

/// The outbox as the demo's simulated sender sees it: rows `hidden` are left out (recorded after its last pass),
/// and the retries it schedules are noted, so the simulation knows when to pass again.
private final class DemoSenderView: DeliveryQueue {
    private let inner: any DeliveryQueue
    private let hidden: (String) -> Bool
    private var retries: [String: Double] = [:]

    init(_ inner: any DeliveryQueue, hidden: @escaping (String) -> Bool) {
        self.inner = inner
        self.hidden = hidden
    }

    /// The earliest retry the sender scheduled that is still pending.
    var nextRetry: Double? { retries.values.min() }

    func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery] {
        try inner.due(partners: partners, at: now, limit: 1_000_000).filter { !hidden($0.id) }.prefix(limit).map { $0 }
    }
    func nextAttempt(partners: [String]) throws -> Double? { nextRetry }
    func markDelivered(_ ids: [String], at now: Double) throws {
        for id in ids { retries[id] = nil }
        try inner.markDelivered(ids, at: now)
    }
    func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws {
        retries[id] = next
        try inner.recordFailedAttempt(id, error: error, next: next, at: now)
    }
    func markFailed(_ id: String, error: String, at now: Double) throws {
        retries[id] = nil
        try inner.markFailed(id, error: error, at: now)
    }
    func retry(_ id: String, at now: Double) throws -> Bool { try inner.retry(id, at: now) }
    func retryFailed(partner: String?, at now: Double) throws -> Int { try inner.retryFailed(partner: partner, at: now) }
    func counts() throws -> [PartnerDeliveryCounts] { try inner.counts() }
    func recentFailures(limit: Int) throws -> [FailedDelivery] { try inner.recentFailures(limit: limit) }
    func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow] {
        try inner.exportRows(partner: partner, since: since, until: until)
    }
}
