import IncentivesCore
/// Screen 6: per partner, deliveries pending, delivered and failed with the last error; the failures
/// of the selected partner below, where `r` puts one back in the queue.
public struct DeliveriesState {
    public var partners: [PartnerDeliveries] = []
    public var selected = 0
    public var failureSelected = 0
    /// Focus on the failures list rather than the partners.
    public var onFailures = false

    mutating func reload(_ data: any ConsoleData) {
        partners = data.deliveries()
        selected = min(selected, max(partners.count - 1, 0))
        failureSelected = min(failureSelected, max(failures.count - 1, 0))
        if failures.isEmpty { onFailures = false }
    }

    var failures: [DeliveryRecord] { partners.indices.contains(selected) ? partners[selected].failures : [] }

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
        case .focusNext, .open:
            guard !failures.isEmpty else { return (true, "no failed deliveries for this partner") }
            onFailures.toggle()
        case .back where onFailures:
            onFailures = false
        case .retry:
            guard failures.indices.contains(failureSelected) else { return (true, "select a failed delivery to retry") }
            let d = failures[failureSelected]
            switch data.retryDelivery(id: d.id) {
            case .success:
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
