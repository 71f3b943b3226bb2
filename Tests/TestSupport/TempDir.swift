import Foundation

/// A fresh temporary folder, removed when the last reference to it goes away (at the end of the test that
/// made it, unless it is kept longer on purpose).
public final class TempDir: @unchecked Sendable {
    public let url: URL

    /// `prefix` names the folder in the listing of the temporary directory (`prefix-UUID`).
    public init(prefix: String = "incentives-test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The folder's path.
    public var path: String { url.path }

    /// The path of `name` inside the folder (which need not exist).
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let p = path(name)
        try! text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}
