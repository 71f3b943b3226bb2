/// Placeholder until the console lands: `incentives bench console`.
enum ConsoleBenchEntry {
    static func run(_ args: Arguments, files: BenchInput.Files, dir: String) throws -> ExitCode {
        throw CommandFailure(.unavailable, "the console benchmark is not built into this binary")
    }
}
