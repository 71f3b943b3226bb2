import IncentivesCore

/// The sentence that explains an award next to its evidence: the rule it met, in the rule's own words, the
/// days that met it and which award of the reward it is.
enum AwardSentence {
    static func of(_ a: Achievement, catalog: Catalog) -> String {
        if let tier = a.tier {
            let points = catalog.employer(a.employer)?.programs.first { $0.id == a.program }?.tiers.first { $0.id == tier }?.points
            return "why: reached tier \(tier)" + (points.map { " at \($0) points" } ?? "")
                + ", with the points of the awards their \(a.evidence.count) events earned"
        }
        let rule = catalog.incentive(a.incentive).map { $0.rule.summary } ?? a.incentive
        let limit = catalog.employer(a.employer)?.programs.first { $0.id == a.program }?.rewards
            .first { $0.reward == a.reward && $0.incentive == a.incentive }?.limit
        let days: String
        if let first = a.evidenceDays.min(), let last = a.evidenceDays.max(), first != last {
            days = "\(a.evidenceDays.count) days \(DayFormat.short(first)) – \(DayFormat.short(last))"
        } else {
            days = "on \(DayFormat.short(a.completedOn))"
        }
        return "why: \(rule), met by \(days); award \(a.ordinal)" + (limit.map { " of \($0)" } ?? "")
    }
}
