import Foundation
import IncentivesCore

public enum BatchFormat: String, Sendable, CaseIterable {
    case jsonl, csv
}

/// A signed batch file for a partner that takes file drops, and its manifest. The same rows always give
/// the same bytes: rows in recording order, fields in a fixed order, no timestamps anywhere, so a partner
/// (or an auditor) can re-request a range and compare hashes.
public struct BatchExport: Sendable, Equatable {
    public let partner: String
    public let format: BatchFormat
    public let since: LocalDate?
    public let until: LocalDate?
    public let count: Int
    public let dataFileName: String
    public let data: [UInt8]
    public let manifestFileName: String
    public let manifest: [UInt8]
    /// The outbox rows this file carries, to mark delivered once it is written.
    public let deliveryIDs: [String]

    public init(partner: String, secret: PartnerSecret, rows: [ExportRow], format: BatchFormat, since: LocalDate?, until: LocalDate?) {
        self.partner = partner
        self.format = format
        self.since = since
        self.until = until
        count = rows.count
        deliveryIDs = rows.map(\.deliveryID)
        var text = ""
        if format == .csv { text += DeliveryPayload.csvHeader + "\r\n" }
        for r in rows {
            let p = DeliveryPayload(r.achievement, partner: partner, secret: secret)
            switch format {
            case .jsonl: text += p.json + "\n"
            case .csv: text += p.csvRow + "\r\n"
            }
        }
        data = Array(text.utf8)
        let stem = "\(partner)_\(since?.iso ?? "start")_\(until?.iso ?? "end")"
        dataFileName = stem + "." + format.rawValue
        manifestFileName = stem + ".manifest.json"
        let sha = Crypto.hex(Crypto.sha256(data))
        let hmac = "sha256=" + Crypto.hex(Crypto.hmacSHA256(key: secret.bytes, message: data))
        func date(_ d: LocalDate?) -> String { d.map { "\"\($0.iso)\"" } ?? "null" }
        var m = "{\n"
        m += "  \"partner\": \(JSONText.quote(partner)),\n"
        m += "  \"file\": \(JSONText.quote(dataFileName)),\n"
        m += "  \"format\": \"\(format.rawValue)\",\n"
        m += "  \"since\": \(date(since)),\n"
        m += "  \"until\": \(date(until)),\n"
        m += "  \"count\": \(rows.count),\n"
        m += "  \"sha256\": \"\(sha)\",\n"
        m += "  \"hmac\": \"\(hmac)\"\n"
        m += "}\n"
        manifest = Array(m.utf8)
    }

    /// Writes the data file, then the manifest, each to a temporary name in the same directory and renamed
    /// into place: a partner that picks up files when the manifest appears never sees half a file.
    public func write(to directory: String) throws {
        // The names come from the partner's id: never a path made from data that was not checked.
        for name in [dataFileName, manifestFileName] where name.contains("/") || name.hasPrefix(".") {
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSFilePathErrorKey: name])
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.atomicWrite(data, to: (directory as NSString).appendingPathComponent(dataFileName))
        try Self.atomicWrite(manifest, to: (directory as NSString).appendingPathComponent(manifestFileName))
    }

    static func atomicWrite(_ bytes: [UInt8], to path: String) throws {
        let temp = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        func failure(_ at: String) -> CocoaError {
            CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: at, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        // 0600 like the database, from the first byte: the file carries member ids and rewards, for the
        // partner's process alone.
        // A new file, never one found there: a link planted at the temporary name is removed, not written through.
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(temp) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { let e = failure(temp); close(fd); unlink(temp); throw e }
            written += n
        }
        // Flushed before the rename so a power cut cannot leave the new name pointing at empty blocks.
        fsync(fd)
        close(fd)
        guard rename(temp, path) == 0 else {
            let e = failure(path)
            unlink(temp)
            throw e
        }
    }
}
