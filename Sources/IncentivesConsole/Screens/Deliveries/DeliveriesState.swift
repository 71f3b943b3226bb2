import IncentivesCore
/// Screen 6: per partner, how it takes deliveries (webhook or file drop) and how many are pending, delivered
/// and failed with the last error; the failures of the selected partner below, where Enter shows a failure's
/// whole error and `r` puts it back in the queue.
public struct DeliveriesState {
    public var partners: [PartnerDeliveries] = []
    public var selected = 0
    public var failureSelected = 0
    /// Focus on the failures list rather than the partners.
    public var onFailures = false
    /// The selected failure's whole error, in a pane (Enter on a failure; Esc closes it).
    public var showingError = false
    /// How each partner of the catalog takes deliveries, by id.
    public var channels: [String: Partner.Channel] = [:]
    /// The `--db` for the commands the screen names (nil: the data is in memory).
    public var databasePath: String?

    mutating func reload(_ data: any ConsoleData) {
        partners = data.deliveries()
        channels = Dictionary(data.catalog.partners.map { ($0.id, $0.channel) }, uniquingKeysWith: { a, _ in a })
        databasePath = data.databasePath
        selected = min(selected, max(partners.count - 1, 0))
        failureSelected = min(failureSelected, max(failures.count - 1, 0))
        if failures.isEmpty { onFailures = false; showingError = false }
    }

    var failures: [DeliveryRecord] { partners.indices.contains(selected) ? partners[selected].failures : [] }

    /// The failure whose error the pane shows.
    var shownFailure: DeliveryRecord? {
        showingError && onFailures && failures.indices.contains(failureSelected) ? failures[failureSelected] : nil
    }

    /// How the selected partner takes deliveries and what moves its pending rows: a sentence, and the command.
    public var channelNote: (text: String, command: String)? {
        guard partners.indices.contains(selected) else { return nil }
        let p = partners[selected]
        let db = databasePath.map { " --db " + Self.shellQuoted($0) } ?? ""
        switch channels[p.partnerID] {
        case .webhook(let url)?:
            return ("\(p.partnerName) takes webhooks: each pending row is POSTed to \(url), and failures retried, by:", "incentives deliver\(db)")
        case .fileDrop(let directory)?:
            return ("\(p.partnerName) takes file drops: its rows stay pending until the batch file is written to \(directory) by:",
                    "incentives export\(db) --partner \(p.partnerID)")
        case nil:
            return nil
        }
    }

    /// A path as a shell word: as it is when it is plain, else in single quotes.
    static func shellQuoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+:@%".unicodeScalars.contains($0)) }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Whether the action was used, and a message for the footer.
    mutating func handle(_ action: Action, data: any ConsoleData) -> (Bool, String?) {
        switch action {
        case _ where Selection.isMove(action):
            if onFailures {
                failureSelected = Selection.move(failureSelected, action, count: failures.count)
            } else {
                selected = Selection.move(selected, action, count: partners.count)
                failureSelected = 0
            }
        case .open where onFailures:
            // Enter on a failure opens (or closes) its whole error.
            showingError.toggle()
        case .focusNext, .open:
            guard !failures.isEmpty else { return (true, "no failed deliveries for this partner") }
            onFailures.toggle()
            showingError = false
        case .back where showingError:
            showingError = false
        case .back where onFailures:
            onFailures = false
        case .retry:
            guard failures.indices.contains(failureSelected) else { return (true, "select a failed delivery to retry") }
            let d = failures[failureSelected]
            switch data.retryDelivery(id: d.id) {
            case .success:
                showingError = false
                reload(data)
                return (true, "queued \(d.id) for another attempt")
            case .failure(let e):
                return (true, "cannot retry: \(e.message)")
            }
        default:
            return (false, nil)
        }
        return (true, nil)
    }
}
