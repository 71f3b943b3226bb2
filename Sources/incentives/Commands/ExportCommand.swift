import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesStore

/// `incentives export`: a signed batch file for a partner that takes file drops.
enum ExportCommand: Command {
    static let name = "export"
    static let summary = "write a partner's signed batch file (JSONL or CSV) and manifest"
    static let valuedOptions: Set<String> = Outbox.sourceOptions.union(["partner", "since", "until", "format", "out"])
    static let help = """
    Usage: incentives export --partner ID [--db PATH] [--since DATE] [--until DATE] [--format jsonl|csv] [--out DIR]

    Writes the partner's achievements completed between --since and --until (inclusive local dates,
    YYYY-MM-DD; open-ended when left out) into a data file and a manifest, in the partner's drop
    directory (or --out DIR). Rows are in recording order with fixed fields and no timestamps, so the
    same range always gives the same bytes. Each file is written to a temporary name and renamed into
    place, the data file before the manifest: a partner that waits for the manifest never reads half a file.
    For a drop partner the exported deliveries are then marked delivered.

      --partner ID     the partner (its "drop" names the directory and the secret's variable)
      --since DATE     first completion date to include
      --until DATE     last completion date to include
      --format FORMAT  jsonl (default) or csv (RFC 4180, CRLF, with a header row)
      --out DIR        write here instead of the partner's drop directory
    \(Outbox.optionHelp)

    Files: PARTNER_SINCE_UNTIL.jsonl|csv ("start"/"end" for an open range) and PARTNER_SINCE_UNTIL.manifest.json:
      {"partner", "file", "format", "since", "until", "count",
       "sha256": hex SHA-256 of the data file, "hmac": "sha256=" + hex HMAC-SHA256(secret, data file)}
    Row fields: achievementId, deliveryId, member, employer, program, reward, completedOn — nothing else.

    Exit status: 0 written; 64 bad usage; 66 an input file is missing; 73 cannot write the files;
                 77 the PostgreSQL login lacks the sender role (checked before a file is written);
                 78 catalog or roster refused, or the partner's secret is missing.

    Example:
      export GIFTLY_SECRET=$(cat /run/secrets/giftly)
      incentives export --db demo.sqlite --partner giftly --since 2026-11-01 --format csv

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let partnerID = try args.required("partner")
        let formatText = args.value("format") ?? "jsonl"
        guard let format = BatchFormat(rawValue: formatText) else {
            throw Arguments.UsageError(message: "--format must be jsonl or csv, got \(formatText)")
        }
        func date(_ name: String) throws -> LocalDate? {
            guard let text = args.value(name) else { return nil }
            guard let d = LocalDate(iso: text) else { throw Arguments.UsageError(message: "--\(name) must be a date (YYYY-MM-DD), got \(text)") }
            return d
        }
        let since = try date("since"), until = try date("until")
        if let since, let until, until < since { throw Arguments.UsageError(message: "--until \(until.iso) is before --since \(since.iso)") }

        let outbox = try Outbox.open(args)
        let partner = try Outbox.partners(outbox.catalog, named: partnerID) { _ in true }[0]
        // A drop partner's file is its delivery; a webhook partner's is a copy for reconciliation.
        let directory: String
        let isDelivery: Bool
        switch partner.channel {
        case .fileDrop(let dir):
            directory = args.value("out") ?? dir
            isDelivery = true
        case .webhook:
            guard let out = args.value("out") else {
                throw CommandFailure(.usage, "partner \(partner.id) receives webhooks; give --out DIR to write a file for it anyway")
            }
            directory = out
            isDelivery = false
        }
        let secret = try Outbox.secrets([partner])[partner.id]!
        if isDelivery {
            // A file written whose rows cannot then be marked would be sent again by the next export.
            try StoreAccess.mapping { try outbox.queue.checkMayRecordOutcomes() }
        }
        let rows = try StoreAccess.mapping { try outbox.queue.exportRows(partner: partner.id, since: since, until: until) }
        let export = BatchExport(partner: partner.id, secret: secret, rows: rows, format: format, since: since, until: until)
        do {
            try export.write(to: directory)
        } catch {
            throw CommandFailure(.cantCreate, "\(directory): cannot write the batch: \(error.localizedDescription)")
        }
        if isDelivery { try StoreAccess.mapping { try outbox.queue.markDelivered(export.deliveryIDs, at: Date().timeIntervalSince1970) } }
        Output.stdout.line((directory as NSString).appendingPathComponent(export.dataFileName))
        Output.stdout.line((directory as NSString).appendingPathComponent(export.manifestFileName))
        printError("\(partner.id): \(export.count) achievements exported")
        return .ok
    }
}
