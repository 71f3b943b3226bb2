import Foundation
import IncentivesCore
import IncentivesInput

// One decoding per read model, from a row of either store (`SQLRow`): the columns each reads are named where
// its query is written (`SQLStoreReader`), in the same order for SQLite and PostgreSQL. After GRDB's
// `FetchableRecord.init(row:)`.

extension Member {
    /// `StoredConfiguration.memberColumns`, from `column`.
    package init(row: some SQLRow, from column: Int = 0) throws {
        self = try StoredConfiguration.member(
            id: row.text(column), employer: row.optionalText(column + 1), timezone: row.text(column + 2),
            eligibleFrom: row.text(column + 3), eligibleUntil: row.optionalText(column + 4), partnerIDs: row.optionalText(column + 5),
            path: row.source)
    }
}

extension Event {
    /// id, type, user, at_s, at_nanos, category from `column`; `user` given when the row holds the user's key instead.
    package init(row: some SQLRow, from column: Int = 0, user: String? = nil) throws {
        let typeText = row.text(column + 1)
        guard let type = EventType(rawValue: typeText) else {
            throw StoreError.corrupt(path: row.source, reason: "event \(row.text(column)): unknown type \(typeText)")
        }
        self.init(id: row.text(column), type: type, user: user ?? row.text(column + 2), at: try row.instant(column + 3),
                  category: row.optionalText(column + 5))
    }
}

extension EventRecord {
    /// `SQLStoreReader.eventColumns`: seq, the event (id, type, user, at_s, at_nanos, category), the source file,
    /// the line and the user's zone (NULL once the user has left the roster: no local day).
    package init(row: some SQLRow, zones: ZoneDirectory) throws {
        let event = try Event(row: row, from: 1)
        self.init(seq: row.int64(0), event: event, localDay: row.optionalText(9).flatMap { zones.rules(for: $0) }?.localDate(of: event.at),
                  file: row.optionalText(7), line: row.int(8))
    }
}

extension AchievementRecord {
    /// `SQLStoreReader.achievementColumns`. `achievedAt` is the RFC 3339 text `Instant.rfc3339` wrote (exact);
    /// should it not parse, `eventInstant` is asked for the instant of the event that earned it (`event_seq`).
    package init(row: some SQLRow, arrays: StringArrayReader, eventInstant: (Int64) throws -> Instant?) throws {
        let seq = row.int64(0)
        guard let completed = LocalDate(iso: row.text(7)) else {
            throw StoreError.corrupt(path: row.source, reason: "achievement \(seq): bad completed_on \(row.text(7))")
        }
        guard let ids = arrays.read(row.text(10)), let dayTexts = arrays.read(row.text(11)), ids.count == dayTexts.count else {
            throw StoreError.corrupt(path: row.source, reason: "achievement \(seq): unreadable evidence")
        }
        var days: [LocalDate] = []
        days.reserveCapacity(dayTexts.count)
        for t in dayTexts {
            guard let d = LocalDate(iso: t) else { throw StoreError.corrupt(path: row.source, reason: "achievement \(seq): bad evidence day \(t)") }
            days.append(d)
        }
        let at: Instant
        if case .success(let parsed) = Instant.parseRFC3339(row.text(8)) {
            at = parsed
        } else if let found = try eventInstant(row.int64(9)) {
            at = found
        } else {
            throw StoreError.corrupt(path: row.source, reason: "achievement \(seq): its event \(row.int64(9)) is missing")
        }
        self.init(seq: seq, achievement: Achievement(
            user: row.text(1), employer: row.text(2), program: row.text(3), incentive: row.text(4), reward: row.text(5),
            completedOn: completed, achievedAt: at, evidence: ids, evidenceDays: days, ordinal: row.int(6),
            generation: row.int(12), tier: StoredTier.read(row.text(14))), catalogVersion: row.int(13))
    }
}

/// The `tier` column as the read models have it: '' (an award of a reward) is nil.
package enum StoredTier {
    package static func read(_ column: String) -> String? { column.isEmpty ? nil : column }
}

extension RejectRecord {
    /// seq, file, line, code, field, reason, text, at.
    package init(row: some SQLRow) {
        self.init(seq: row.int64(0), file: row.text(1), line: row.int(2), code: row.text(3), field: row.optionalText(4),
                  reason: row.text(5), eventID: row.optionalText(6), at: row.double(7))
    }
}

extension CatalogVersion {
    /// version, effective, file, loaded_at, changes, catalog. Version 1 has no effective day (it always applied).
    package init(row: some SQLRow) {
        self.init(version: row.int(0), effective: row.int(0) == 1 ? nil : LocalDate(iso: row.text(1)), file: row.optionalText(2),
                  loadedAt: row.double(3), changes: row.text(4).split(separator: "\n").map(String.init), catalogJSON: row.text(5))
    }
}

extension DeliverableAchievement {
    /// id, user, employer, program, reward, completed_on, partner_ids, tier from `column`: what a partner is sent.
    package init(row: some SQLRow, from column: Int) throws {
        let id = row.text(column)
        guard let day = LocalDate(iso: row.text(column + 5)) else {
            throw StoreError.corrupt(path: row.source, reason: "achievement \(id): bad completed_on \(row.text(column + 5))")
        }
        var partnerIDs: [String: String] = [:]
        if let json = row.optionalText(column + 6), let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) {
            partnerIDs = decoded
        }
        self.init(id: id, user: row.text(column + 1), employer: row.text(column + 2), program: row.text(column + 3),
                  reward: row.text(column + 4), completedOn: day, partnerMemberIDs: partnerIDs, tier: StoredTier.read(row.text(column + 7)))
    }
}

extension FailedDelivery {
    /// id, partner, achievement_id, attempts, last_error ('' for none), next_attempt_at.
    package init(row: some SQLRow) {
        self.init(id: row.text(0), partner: row.text(1), achievementID: row.text(2), attempts: row.int(3), lastError: row.text(4),
                  failedAt: row.double(5))
    }
}
