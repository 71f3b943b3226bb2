import Foundation
import IncentivesText

/// `incentives bench console`: loads the generated files into a database once (`init` + `ingest` as
/// child processes, like a person would), then times the console on it (`ConsoleBench`).
public enum ConsoleBenchEntry {
    public static func run(files: BenchInput.Files, dir: String, commands: BenchCommands) throws -> BenchStatus {
        let db = dir + "/console-bench.sqlite"
        let ready = dir + "/.console-bench-ready"
        if !FileManager.default.fileExists(atPath: ready) {
            for name in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + name) }
            Output.stdout.line("loading \(files.lines) events into \(db) (once)…")
            Output.stdout.flush()
            let me = ChildProcess.selfPath
            let loaded = try ChildProcess.run(me, ["init", "--db", db, "--catalog", files.catalog, "--roster", files.roster])
            guard loaded.status == 0 else { throw BenchFailure(.software, "incentives init exited \(loaded.status)") }
            let ingested = try ChildProcess.run(me, ["ingest", "--db", db, "--events", files.events])
            guard ingested.status == 0 || ingested.status == BenchStatus.dataError.rawValue else {
                throw BenchFailure(.software, "incentives ingest exited \(ingested.status)")
            }
            _ = FileManager.default.createFile(atPath: ready, contents: nil)
        }
        return ConsoleBench.run(arguments: ["--db", db], consoleData: commands.consoleData)
    }
}
