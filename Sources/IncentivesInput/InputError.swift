import Foundation
import IncentivesCore

/// A configuration file refused as a whole (CONTRACT §1): nothing is processed.
/// Printed as `FILE:LINE: PATH: REASON` with whichever of line and path apply.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    /// A JSON path such as `employers[0].programs[1].rewards[0].incentive`, or a field name.
    public let path: String?
    public let reason: String

    public init(file: String, line: Int? = nil, path: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.path = path
        self.reason = reason
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let path, !path.isEmpty { s += path + ": " }
        return s + reason
    }
}

/// An input file that could not be opened or read (exit 66).
public struct UnreadableInput: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

/// Turns a `DecodingError`'s coding path into `employers[0].programs[1].rewards[0].incentive`.
enum JSONPath {
    static func format(_ path: [any CodingKey]) -> String {
        var s = ""
        for key in path {
            if let i = key.intValue {
                s += "[\(i)]"
            } else {
                if !s.isEmpty { s += "." }
                s += key.stringValue
            }
        }
        return s
    }

    /// The path and a person's reason for a decoding failure.
    /// `data`: the document, to find where a number that should be whole is not (the decoder does not say).
    static func explain(_ error: any Error, in data: Data? = nil) -> (path: String, reason: String) {
        guard let error = error as? DecodingError else { return ("", String(describing: error)) }
        if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty, let data, let path = JSONScan.fraction(in: data) {
            return (path, "must be a whole number")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return (format(ctx.codingPath + [key]), "missing")
        case .typeMismatch(let type, let ctx):
            return (format(ctx.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let ctx):
            return (format(ctx.codingPath), "expected \(describe(type)), found null")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                let detail = (ctx.underlyingError.map { String(describing: $0) }) ?? ctx.debugDescription
                return ("", "not valid JSON (\(detail))")
            }
            return (format(ctx.codingPath), ctx.debugDescription)
        @unknown default:
            return ("", String(describing: error))
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            return "a \(name)"
        }
    }
}
