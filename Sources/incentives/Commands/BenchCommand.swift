enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure the engine and replay on a generated load"
    static let valuedOptions: Set<String> = []
    static let help = "Usage: incentives bench\n"
    static func run(_ args: Arguments) throws -> ExitCode { .ok }
}
