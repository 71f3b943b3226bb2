import IncentivesCore
import IncentivesSQL

extension StoreReader: UserDeliveryReading {
    /// The outbox rows of the user's awards. A row's id is the award's id, ":" and the partner's (`AchievementRows`),
    /// so each is found by the primary key rather than by scanning the outbox, which has no index on the award.
    public func deliveries(ofUser id: String) throws -> [AchievementDelivery] {
        try db.snapshot {
            let awards = try db.rows("SELECT id FROM achievements WHERE user = ? ORDER BY seq", .text(id)) { $0.text(0) }
            let partners = catalog.partners.map(\.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var out: [AchievementDelivery] = []
            for award in awards {
                for partner in partners {
                    if let d = try db.row("""
                        SELECT id, achievement_id, partner, status, attempts, last_error, next_attempt_at, delivered_at
                        FROM deliveries WHERE id = ? AND achievement_id = ?
                        """, .text(award + ":" + partner), .text(award), map: { s in
                            AchievementDelivery(deliveryID: s.text(0), achievementID: s.text(1), partner: s.text(2),
                                                status: DeliveryStatus(rawValue: s.text(3)) ?? .pending, attempts: s.int(4),
                                                lastError: s.optionalText(5), nextAttemptAt: s.optionalDouble(6), deliveredAt: s.optionalDouble(7))
                        }) {
                        out.append(d)
                    }
                }
            }
            return out
        }
    }
}
