// Every command writes through `Output` (and `printError`), which live in IncentivesText beside the text they
// make safe: re-exported here so that each command file sees them as before.
@_exported import IncentivesText

/// One `incentives` subcommand. Each lives in its own file under Commands/ and is listed in `Commands.all`.
protocol Command {
    /// The word after `incentives`.
    static var name: String { get }
    /// One line for `incentives --help`.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    static var valuedOptions: Set<String> { get }
    static var booleanOptions: Set<String> { get }
    static func run(_ args: Arguments) throws -> ExitCode
}

extension Command {
    static var booleanOptions: Set<String> { [] }

    static func main(_ raw: [String]) -> ExitCode {
        do {
            let args = try Arguments(raw, valued: valuedOptions, booleans: booleanOptions)
            if args.wantsHelp {
                Output.stdout.write(help)
                Output.stdout.flush()
                return .ok
            }
            return try run(args)
        } catch let e as Arguments.UsageError {
            printError("incentives \(name): \(e.message)")
            printError("Run 'incentives \(name) --help' for usage.")
            return .usage
        } catch let e as CommandFailure {
            printError("incentives \(name): \(e.message)")
            return e.code
        } catch {
            printError("incentives \(name): \(error)")
            return .software
        }
    }
}

/// A failure with a message for people and the exit status that says what kind it was.
struct CommandFailure: Error {
    let code: ExitCode
    let message: String

    init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
