import Foundation

/// Where the database lives, decided in one place for every command (`init`, `ingest`, the console,
/// delivery): `--db PATH` when given, else `$INCENTIVES_DB`, else `$XDG_DATA_HOME/incentives/incentives.sqlite`,
/// else `~/.local/share/incentives/incentives.sqlite` (the XDG default).
public enum StoreLocation {
    public static let fileName = "incentives.sqlite"

    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["INCENTIVES_DB"], !env.isEmpty { return env }
        return defaultPath(environment: environment)
    }

    /// The XDG data location, ignoring `$INCENTIVES_DB`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/incentives/" + fileName
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/incentives/" + fileName
    }
}
