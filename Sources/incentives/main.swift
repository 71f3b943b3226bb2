import IncentivesCore
import IncentivesStore
#if canImport(Glibc)
import Glibc
#endif

/// Every subcommand, in the order `incentives --help` lists them.
enum Commands {
    /// Computed: a stored array of metatypes is a global Swift 6 cannot prove safe to share (a release-build warning).
    static var all: [any Command.Type] { [
        ReplayCommand.self,
        GenerateCommand.self,
        InitCommand.self,
        IngestCommand.self,
        PublishCommand.self,
        WorkCommand.self,
        AchievementsCommand.self,
        UserCommand.self,
        WhyCommand.self,
        ProgramsCommand.self,
        PreviewCommand.self,
        ReportCommand.self,
        RejectsCommand.self,
        DeliverCommand.self,
        ExportCommand.self,
        BenchCommand.self,
        ConsoleCommand.self,
        DemoFeedCommand.self,
    ] }

    /// This build's version, as `incentives --version` prints it.
    static let version = "0.9.0"

    static let usage = """
    incentives — decides when enterprise users have earned their employers' rewards.

    Usage: incentives <command> [options]
           incentives            (no command: opens the console on the default database)
           incentives --version

    Commands:
    \(all.map { "  " + $0.name.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

    Run 'incentives <command> --help' for a command's options.

    """
}

func dispatch(_ argv: [String]) -> ExitCode {
    guard let first = argv.first else {
        // No command: the default database (created from Assets/demo when there is none), in the console.
        let path = StoreLocation.resolve(option: nil)
        do {
            if let console = Commands.all.first(where: { $0.name == "console" }) {
                if let created = try Demo.ensureDatabase(path: path) { printError(created) }
                return console.main([])
            }
            return try Demo.summary(path: path)
        } catch let e as CommandFailure {
            printError("incentives: \(e.message)")
            return e.code
        } catch {
            printError("incentives: \(error)")
            return .software
        }
    }
    if first == "--help" || first == "-h" || first == "help" {
        Output.stdout.write(Commands.usage)
        return .ok
    }
    if first == "--version" || first == "version" {
        Output.stdout.line("incentives \(Commands.version) (store schema \(Store.schemaVersion); rule kinds: \(RuleKinds.all.map { $0.kind }.joined(separator: ", ")))")
        return .ok
    }
    guard let command = Commands.all.first(where: { $0.name == first }) else {
        // `--verison` is a slip for an option, not a command: the suggestions hold both.
        let known = Commands.all.map { $0.name } + ["--version", "--help", "version", "help"]
        printError("incentives: unknown \(first.hasPrefix("-") ? "option" : "command") '\(first)'" + Suggestion.clause(for: first, in: known))
        printError("Run 'incentives --help' for the list of commands.")
        return .usage
    }
    return command.main(Array(argv.dropFirst()))
}

let status = dispatch(Array(CommandLine.arguments.dropFirst()))
Output.stdout.flush()
exit(status.rawValue)
