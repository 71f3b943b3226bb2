import Foundation
import IncentivesText
import IncentivesCore
import IncentivesDelivery
import IncentivesStore

/// `incentives deliver`: POSTs pending achievements to webhook partners, signed, with retries.
enum DeliverCommand: Command {
    static let name = "deliver"
    static let summary = "send pending achievements to webhook partners (signed, retried); --watch keeps going"
    static let valuedOptions: Set<String> = Outbox.sourceOptions.union(["partner", "retry", "concurrency", "timeout", "max-attempts", "poll"])
    static let booleanOptions: Set<String> = ["watch", "retry-failed", "status"]
    static let help = """
    Usage: incentives deliver [--db PATH] [--partner ID] [--watch] [--retry ID | --retry-failed] [options]

    Sends every pending achievement to the webhook partners that serve its employer and reward: one POST
    per achievement, JSON, signed with the partner's secret. A delivery is marked delivered only after a 2xx.
    Timeouts, refused connections, 5xx, 408 and 429 are retried with exponential backoff and full jitter
    (Retry-After is honoured); other 4xx are not retried. After the last attempt the delivery is failed,
    with the reason, until retried by hand. Without --watch the run ends when every delivery it started
    is delivered or failed (or waits on a Retry-After longer than the backoff cap).

    Works on the database's outbox: the ingest adds a pending delivery per partner in the same
    transaction as each achievement; the partners are those of the catalog stored by 'incentives init'.

    \(Outbox.optionHelp)
      --partner ID     only this partner
      --watch          keep running: poll for new achievements and due retries
      --poll SECONDS   with --watch, how often to look for new work (default 5)
      --concurrency N  requests in flight at once (default 4)
      --timeout SECS   per request, the whole exchange: connect, send, and the answer's status line and
                       headers, however slowly they come (default 10)
      --max-attempts N attempts before a delivery is marked failed (default 8)
      --retry ID       put one failed delivery back to pending, then deliver
      --retry-failed   put every failed delivery (of --partner, or all) back to pending, then deliver
      --status         print per-partner counts and recent failures; send nothing

    Partners are listed in catalog.json beside "incentives" and "employers":
      "partners": [{"id": "pillowco", "name": "PillowCo", "employers": ["acme"], "rewards": ["Pregnancy pillow"],
                    "webhook": {"url": "https://hooks.pillowco.example/in", "secretEnv": "PILLOWCO_SECRET"}},
                   {"id": "giftly", "employers": ["acme"], "drop": {"directory": "/srv/drops/giftly", "secretEnv": "GIFTLY_SECRET"}}]
    ("rewards" is optional: without it, every reward of those employers.) A roster line may name a partner's own
    member id for the user, "partnerIds": {"pillowco": "PC-1234"}; otherwise the partner sees a pseudonym.

    Each partner's signing secret is read from the environment variable named by its "secretEnv";
    a missing or short (< 16 bytes) secret stops the run before anything is sent (exit 78).

    Request: POST <url>, Content-Type: application/json, body
      {"achievementId":"ach-…","deliveryId":"ach-…:pillowco","member":"m-…","employer":"acme",
       "program":"acme-2026","reward":"Pregnancy pillow","completedOn":"2026-03-06"}
    Headers: X-Incentives-Delivery (stable: the same on every resend), X-Incentives-Timestamp (unix
    seconds), X-Incentives-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.

    One sender per SQLite database: a second 'deliver' on the same file exits 75 at once (PostgreSQL's
    senders claim rows and may run side by side).

    Exit status: 0 nothing failed; 69 some deliveries failed (see --status); 64 bad usage;
                 66 an input file is missing; 75 another deliver is sending from this SQLite database; 77 the PostgreSQL login lacks the sender role;
                 78 catalog or roster refused, or a secret missing.

    Example:
      incentives init --db demo.sqlite --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl
      incentives ingest --db demo.sqlite --events Assets/demo/events.jsonl
      export PILLOWCO_SECRET=$(cat /run/secrets/pillowco)
      incentives deliver --db demo.sqlite --partner pillowco
      incentives deliver --db demo.sqlite --status

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let concurrency = try args.int("concurrency", default: 4, range: 1...256)
        let timeout = try args.int("timeout", default: 10, range: 1...600)
        let maxAttempts = try args.int("max-attempts", default: 8, range: 1...100)
        let poll = try args.int("poll", default: 5, range: 1...3600)
        let outbox = try Outbox.open(args)
        let queue = outbox.queue
        let now = Date().timeIntervalSince1970

        if args.flag("status") {
            try StoreAccess.mapping { try printStatus(queue) }
            return .ok
        }
        // One sender per SQLite database: its outbox has no claim on a row, so a second sender would send every
        // due row again. The second one stops (75) before it changes or sends anything. (PostgreSQL's senders
        // claim rows and may run side by side.)
        let senderLock = try outbox.store.flatMap { store in try StoreAccess.mapping { try store.senderLock() } }
        defer { senderLock?.release() }
        if args.value("retry") != nil || args.flag("retry-failed") {
            guard outbox.isPersistent else {
                throw Arguments.UsageError(message: "--retry and --retry-failed need the database (file mode keeps no state between runs)")
            }
        }

        // Every partner of the run must be able to sign before anything changes or is sent.
        let partners = try Outbox.partners(outbox.catalog, named: args.value("partner")) {
            if case .webhook = $0.channel { return true } else { return false }
        }
        for p in partners {
            guard case .webhook = p.channel else {
                throw CommandFailure(.usage, "partner \(p.id) takes file drops: use 'incentives export --partner \(p.id)'")
            }
        }
        let secrets = try Outbox.secrets(partners)
        var targets: [Deliverer.Target] = []
        for p in partners {
            guard case .webhook(let text) = p.channel, let url = URL(string: text) else {
                throw CommandFailure(.config, "partner \(p.id): bad webhook URL")
            }
            if url.scheme == "http", !["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") {
                printError("warning: partner \(p.id) takes webhooks over plain http: payloads and signatures travel unencrypted")
            }
            targets.append(.init(partner: p.id, url: url, secret: secrets[p.id]!))
        }

        if let id = args.value("retry") {
            guard try StoreAccess.mapping({ try queue.retry(id, at: now) }) else { throw CommandFailure(.usage, "no failed delivery with id \(JSONText.quote(id))") }
            printError("delivery \(id) is pending again")
        }
        if args.flag("retry-failed") {
            let n = try StoreAccess.mapping { try queue.retryFailed(partner: args.value("partner"), at: now) }
            printError("\(n) failed deliveries are pending again")
        }
        let deliverer = Deliverer(queue: queue, targets: targets, client: WebhookClient(timeout: Double(timeout)),
                                  policy: RetryPolicy(maxAttempts: maxAttempts), concurrency: concurrency,
                                  log: { printError($0) })
        if args.flag("watch") {
            try StoreAccess.mapping { try deliverer.watch(poll: Double(poll)) }
            return .ok
        }
        let report = try StoreAccess.mapping { try deliverer.drain() }
        printError(report.summary)
        return report.failed > 0 ? .unavailable : .ok
    }

    static func printStatus(_ queue: any DeliveryQueue) throws {
        let out = Output.stdout
        out.line("partner              pending  delivered  failed")
        for c in try queue.counts() {
            out.line(TerminalText.pad(c.partner, to: 20) + " " + pad(c.pending, 7) + "  " + pad(c.delivered, 9) + "  " + pad(c.failed, 6))
        }
        let failures = try queue.recentFailures(limit: 20)
        if !failures.isEmpty {
            out.line("")
            out.line("recent failures:")
            for f in failures { out.line("  \(f.id)  attempts \(f.attempts)  \(f.lastError)") }
        }
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
