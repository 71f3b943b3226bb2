/// One parameter of a rule as people and exports see it: `days=5`, `period=month`. Each rule keeps its
/// parameters as typed properties; this is only their outward form, so nothing outside a rule needs to
/// know a parameter's name to read it.
public struct RuleParameter: Sendable, Equatable, CustomStringConvertible {
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case integer(Int)
        case text(String)

        public var description: String {
            switch self {
            case .integer(let n): return String(n)
            case .text(let s): return s
            }
        }
    }

    public let name: String
    public let value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// `days=5`.
    public var description: String { "\(name)=\(value)" }
}

/// A rule's parameters that do not make sense: which one (its key in the incentive's JSON object) and why.
public struct RuleParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let reason: String

    public init(_ parameter: String, _ reason: String) {
        self.parameter = parameter
        self.reason = reason
    }

    public var description: String { "\(parameter): \(reason)" }
}
