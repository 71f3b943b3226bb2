import IncentivesCore
enum DeliveriesView {
    static func draw(_ s: DeliveriesState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        if s.partners.isEmpty {
            c.text("The catalog names no reward partners.", x: x + 1, y: y + 1, style: .dim)
            return
        }
        let listHeight = min(s.partners.count + 1, max(height / 2 - 1, 3))
        Table(columns: [.flex("Partner", min: 12), .fixed("Pending", 7, right: true), .fixed("Sent", 7, right: true),
                        .fixed("Failed", 6, right: true), .flex("Last error", min: 16)],
              rows: s.partners.map { [$0.partnerName, String($0.pending), String($0.delivered), String($0.failed), $0.lastError ?? ""] },
              styles: s.partners.map { $0.failed > 0 ? .bad : .normal },
              selected: s.selected, focused: !s.onFailures)
            .draw(on: &c, x: x, y: y, width: width, height: listHeight)
        let p = s.partners[min(s.selected, s.partners.count - 1)]
        let fy = y + listHeight + 1
        c.rule("Failed deliveries · \(p.partnerName)", x: x, y: fy - 1, width: width)
        if s.failures.isEmpty {
            c.text("None: nothing to retry.", x: x + 1, y: fy, style: .dim)
            return
        }
        Table(columns: [.flex("Delivery", min: 14), .flex("User", min: 8), .flex("Reward", min: 10), .fixed("Tries", 5, right: true), .flex("Error", min: 14)],
              rows: s.failures.map { [$0.id, $0.user, $0.reward, String($0.attempts), $0.lastError ?? ""] },
              selected: s.failureSelected, focused: s.onFailures)
            .draw(on: &c, x: x, y: fy, width: width, height: height - (fy - y))
    }
}
