import Foundation
import IncentivesCore
import IncentivesStore
import IncentivesStores
import IncentivesSQL

/// `incentives work`: a worker that evaluates the PostgreSQL inbox, a user partition at a time (`PGWorker`).
enum WorkCommand: Command {
    static let name = "work"
    static let summary = "evaluate the PostgreSQL inbox: a worker holding leases on user partitions (any machine)"
    static let valuedOptions: Set<String> = ["db", "batch"]
    static let booleanOptions: Set<String> = ["until-drained", "quiet"]
    static let help = """
    Usage: incentives work --db postgresql://… [--until-drained] [--batch N] [--quiet]

    PostgreSQL only. 'incentives ingest' admits the lines of the events files in file order (unknown users,
    duplicates and conflicting duplicates decided as replay decides them) and stores the new events: the inbox.
    A worker evaluates it: it holds leases on some of the database's 8 user partitions (row locks on a connection
    of its own, which the server drops when the worker's connection ends, kill -9 included), and for each partition it
    holds, runs the partition's events after its stored position, in arrival order, through the same intake
    and engine as replay. Each batch is one transaction: the awards (ordered as replay orders them, whichever
    worker commits first), their delivery rows, the users' progress and the partition's new position. So a
    worker stopped at any moment loses only its batch in flight, and another worker takes the partition over
    from the stored position: no event is lost and no award is stored twice. Start as many as you like, on
    any machines: they share the partitions evenly, and take over the partitions of a worker that stops.

    \(StoreAccess.optionHelp)
      --until-drained  exit once every partition is evaluated and no ingest is writing to the inbox (while
                       another worker holds unevaluated partitions, wait: its partitions are taken over if it
                       stops); without it, keep running, woken by each commit of new events
                       (a NOTIFY; at least every second) when idle
      --batch N        events of one partition per transaction (default 50000)
      --quiet          no progress lines (otherwise one on stderr every 10 seconds)

    'incentives init' refuses to change the catalog or roster while workers run (75): stop them first.

    Exit status: 0 drained (--until-drained) ; 64 bad usage; 66 the database has no catalog yet (run init);
                 69 server unreachable; 75 connection to the server lost (run it again: nothing committed is
                 lost) or init running; 77 login refused; 78 a database from a newer version.

    Example:
      incentives ingest --db postgresql://app@db/incentives --events events.jsonl --inbox-only
      incentives work --db postgresql://app@db/incentives --until-drained &
      incentives work --db postgresql://app@db/incentives --until-drained &
      wait

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        guard !StoreAccess.traits(args).evaluatesOnIngest else {
            throw CommandFailure(.usage, "work runs on PostgreSQL only: give --db postgresql://… (a SQLite database is evaluated by its ingest)")
        }
        var options = EvaluationOptions()
        options.batch = try args.int("batch", default: options.batch, range: 1...1_000_000)
        options.untilDrained = args.flag("until-drained")
        let quiet = args.flag("quiet")
        let report = try StoreAccess.mapping { () -> EvaluationReport in
            let started = Date()
            var lastLine = started
            do {
                // The evaluation stage of the store's inbox (`StoreWriter.evaluate`: PostgreSQL's `PGWorker`).
                return try Stores.writer(at: StoreAccess.path(args), create: false).evaluate(options) { r in
                    guard !quiet, Date().timeIntervalSince(lastLine) >= 10 else { return }
                    lastLine = Date()
                    let rate = Double(r.events) / max(lastLine.timeIntervalSince(started), 0.001)
                    printError("work: partitions \(r.partitions.map(String.init).joined(separator: ",")): \(r.events) events, "
                               + "\(r.achievements) achievements, \(Int(rate)) events/s")
                }
            } catch StoreError.notInitialized(let path) {
                throw CommandFailure(.noInput, StoreError.notInitialized(path: path).description)
            }
        }
        if !quiet {
            printError("work: drained: \(report.events) events evaluated in \(report.batches) batches, \(report.achievements) achievements")
        }
        return .ok
    }
}

/// `ingest --workers N` on PostgreSQL: N `incentives work --until-drained` children of this same executable,
/// started once the ingest holds its lock (so they wait for it rather than finding the inbox drained), given the
/// database through the environment (`INCENTIVES_DB`) so that a password in the URL never shows in `ps`.
struct WorkerChildren {
    private var processes: [Process] = []

    static func start(_ n: Int, url: String, batch: Int?) throws -> WorkerChildren {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = url
        var children = WorkerChildren()
        for _ in 0..<n {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["work", "--until-drained", "--quiet"] + (batch.map { ["--batch", String($0)] } ?? [])
            p.environment = env
            do {
                try p.run()
            } catch {
                children.stop()
                throw CommandFailure(.software, "cannot start a worker (\(exe) work): \(error)")
            }
            children.processes.append(p)
        }
        return children
    }

    /// Waits for every child; the failures, as sentences (empty when all drained and exited 0).
    func wait() -> [String] {
        var failures: [String] = []
        for (i, p) in processes.enumerated() {
            p.waitUntilExit()
            guard p.terminationStatus != 0 || p.terminationReason != .exit else { continue }
            failures.append(p.terminationReason == .uncaughtSignal
                            ? "worker \(i + 1) was ended by signal \(p.terminationStatus)"
                            : "worker \(i + 1) exited with status \(p.terminationStatus)")
        }
        return failures
    }

    /// Ends the children (the ingest failed before they could be of use).
    func stop() {
        for p in processes where p.isRunning { p.terminate() }
        for p in processes { p.waitUntilExit() }
    }
}
