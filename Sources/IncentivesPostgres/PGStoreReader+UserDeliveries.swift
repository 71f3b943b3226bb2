import IncentivesCore
import IncentivesSQL

extension PGStoreReader: UserDeliveryReading {
    /// The outbox rows of the user's awards, found by primary key (an outbox id is the award's id, ":" and the
    /// partner's, `PGAchievementRows`): the outbox has no index on the award.
    public func deliveries(ofUser id: String) throws -> [AchievementDelivery] {
        try c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? c.exec("COMMIT") }
        let a = try c.exec("SELECT id FROM achievements WHERE user_id = $1 ORDER BY seq", [id])
        let awards = (0..<a.count).map { a.text($0, 0) }
        let partners = catalog.partners.map(\.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var rank: [String: Int] = [:]
        var ids: [String] = []
        for award in awards {
            for partner in partners {
                rank[award + ":" + partner] = ids.count
                ids.append(award + ":" + partner)
            }
        }
        guard !ids.isEmpty else { return [] }
        let r = try c.exec("""
            SELECT id, achievement_id, partner, status, attempts, last_error, next_attempt_at, delivered_at
            FROM deliveries WHERE id = ANY($1::text[])
            """, [PGText.array(ids)])
        return (0..<r.count).map { i in
            AchievementDelivery(deliveryID: r.text(i, 0), achievementID: r.text(i, 1), partner: r.text(i, 2),
                                status: DeliveryStatus(rawValue: r.text(i, 3)) ?? .pending, attempts: r.int(i, 4),
                                lastError: r.optionalText(i, 5), nextAttemptAt: r.optionalDouble(i, 6), deliveredAt: r.optionalDouble(i, 7))
        }.sorted { (rank[$0.deliveryID] ?? .max) < (rank[$1.deliveryID] ?? .max) }
    }
}
