import Foundation
import IncentivesCore

/// Small JSON-lines files that are accepted or refused as a whole (the roster, replay output read back):
/// each non-blank line is decoded with Foundation's JSONDecoder into `Line`, then checked by `body`.
/// The first failure names the file, the line and the JSON path, and stops the reading.
enum JSONLinesFile {
    /// A check of one decoded line: return nil to accept it, or the field and the reason to refuse the file.
    typealias Check<Line> = (_ line: Line, _ number: Int) -> (field: String?, reason: String)?

    /// `quick`, when given, reads a line first: it returns the line only when it is plainly well formed (what the
    /// careful reading would give), nil for anything else, which the careful reading (Foundation, and simdjson's
    /// checks for duplicate keys, NUL and strict JSON) then takes and explains. A large roster is read ten times
    /// faster so (README, Benchmarks), with the same answers and the same refusals.
    static func forEach<Line: Decodable>(_: Line.Type, in data: Data, file: String, quick: ((UnsafeRawBufferPointer) -> Line?)? = nil,
                                         _ check: Check<Line>) throws(ConfigurationError) {
        let decoder = JSONDecoder()
        var lineNumber = 0
        var failure: ConfigurationError?
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            LineSplitter.forEachLine(in: all) { bytes in
                lineNumber += 1
                guard failure == nil, !LineSplitter.isBlank(bytes) else { return }
                if let line = quick?(bytes) {
                    if let (field, reason) = check(line, lineNumber) {
                        failure = ConfigurationError(file: file, line: lineNumber, path: field, reason: reason)
                    }
                    return
                }
                do {
                    let data = Data(bytes)
                    if let path = JSONScan.duplicateKey(in: data) {
                        failure = ConfigurationError(file: file, line: lineNumber, path: path, reason: "appears twice in one object; which one was meant is unclear")
                        return
                    }
                    if let path = JSONScan.nulString(in: data) {
                        failure = ConfigurationError(file: file, line: lineNumber, path: path, reason: JSONScan.nulReason)
                        return
                    }
                    let line = try decoder.decode(Line.self, from: data)
                    guard JSONScan.isStrictJSON(data) else {
                        failure = ConfigurationError(file: file, line: lineNumber, path: nil, reason: JSONScan.notStrictReason)
                        return
                    }
                    if let (field, reason) = check(line, lineNumber) {
                        failure = ConfigurationError(file: file, line: lineNumber, path: field, reason: reason)
                    }
                } catch {
                    let (path, reason) = JSONPath.explain(error, in: Data(bytes))
                    failure = ConfigurationError(file: file, line: lineNumber, path: path, reason: reason)
                }
            }
        }
        if let failure { throw failure }
    }
}
