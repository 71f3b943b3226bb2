import Foundation
import IncentivesSQL

/// A database of its own for a benchmark run, made fresh on the server a URL names: `NAME_bench_LABEL`, dropped
/// first if an earlier run left it. Only names that end so are ever dropped, so pointing a benchmark at a real
/// database cannot harm it.
public enum PGScratchDatabase {
    /// Creates (again) the scratch database `LABEL` beside the one `url` names; returns its URL.
    public static func recreate(_ label: String, beside url: String) throws -> String {
        guard var parts = URLComponents(string: url), label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw StoreError.badURL(path: PGURL.redacted(url), reason: "cannot name a scratch database beside it")
        }
        let base = parts.path.count > 1 ? String(parts.path.dropFirst()) : (parts.user ?? "postgres")
        let name = (base + "_bench_" + label).lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        guard name.hasSuffix("_bench_" + label.lowercased()) else {
            throw StoreError.badURL(path: PGURL.redacted(url), reason: "cannot name a scratch database beside it")
        }
        // Connected to the database the URL names, or (when it does not exist yet) the server's own `postgres`.
        var maintenance = parts
        maintenance.path = "/postgres"
        let admin: PGConnection
        do { admin = try PGConnection(url: url) } catch { admin = try PGConnection(url: maintenance.string ?? url) }
        // Sessions left in it by a run that was killed would keep DROP DATABASE waiting.
        _ = try admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
        _ = try admin.exec("DROP DATABASE IF EXISTS \(name)")
        _ = try admin.exec("CREATE DATABASE \(name)")
        parts.path = "/" + name
        guard let made = parts.string else { throw StoreError.badURL(path: PGURL.redacted(url), reason: "cannot name a scratch database beside it") }
        return made
    }
}
