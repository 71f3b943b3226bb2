/// Everything one batch of an ingest writes, decided by the ingest core's thread and committed by the store's
/// write port (`IntakeStore`) in ONE transaction: the accepted events (with the sequence numbers the core gave
/// them), the refused lines, the achievements with the event that earned each, the users' progress when it is
/// saved, and the checkpoint (the source's position). The checkpoint and all the rows up to it therefore commit
/// together or not at all. A store that only admits (PostgreSQL's inbox) gets batches with no achievements.
public struct IngestBatch {
    public struct EventRow {
        public let seq: Int64
        public let event: Event
        public let line: Int
        /// The user's position in the ingest engine's roster, as admission found it (-1: not given): the writer
        /// keys the row by it instead of looking the user up again.
        public let member: Int32

        public init(seq: Int64, event: Event, line: Int, member: Int = -1) {
            self.seq = seq
            self.event = event
            self.line = line
            self.member = Int32(truncatingIfNeeded: member)
        }
    }

    public struct RejectRow {
        public let line: Int
        public let why: Rejection
        public let id: String?

        public init(line: Int, why: Rejection, id: String?) {
            self.line = line
            self.why = why
            self.id = id
        }
    }

    /// An exact re-send: where it arrived, and the last event accepted before it (`afterSeq`: its place among
    /// events), for `why` (the stores' duplicate-arrivals tables).
    public struct DuplicateRow {
        public let line: Int
        public let event: Event
        public let afterSeq: Int64

        public init(line: Int, event: Event, afterSeq: Int64) {
            self.line = line
            self.event = event
            self.afterSeq = afterSeq
        }
    }

    /// An award and the event that earned it, with its text columns formatted on the ingest core's thread: the
    /// store's writer thread is the ingest's limit, the core's has time to spare (README, Benchmarks).
    public struct AchievementRow {
        public let achievement: Achievement
        public let eventSeq: Int64
        /// `achievement.id`, `completedOn.iso`, `achievedAt.rfc3339`, and the evidence's ids and days as JSON arrays.
        public let id: String
        public let completedOn: String
        public let achievedAt: String
        public let evidence: String
        public let evidenceDays: String

        public init(_ a: Achievement, eventSeq: Int64) {
            achievement = a
            self.eventSeq = eventSeq
            id = a.id
            completedOn = a.completedOn.iso
            achievedAt = a.achievedAt.rfc3339
            var ids = JSONBytes(), days = JSONBytes()
            ids.array(a.evidence)
            days.array(a.evidenceDays)
            evidence = ids.text
            evidenceDays = days.text
        }
    }

    public var events: [EventRow] = []
    public var rejects: [RejectRow] = []
    public var duplicates: [DuplicateRow] = []
    /// In recording order: their `seq` in `achievements` is the order replay prints them in.
    public var achievements: [AchievementRow] = []
    /// Set when this batch saves users' progress: each changed user's encoded state, and the last event
    /// sequence number that state includes.
    public var progress: (states: [(user: String, bytes: [UInt8])], throughSeq: Int64)?
    /// The transaction goes on in the next batch, which commits it unless it goes on too: users' progress is
    /// saved in parts (`IngestOptions.progressPartUsers`), each handed to the writer as soon as it is
    /// encoded, in the transaction of the batch whose state it is.
    public var continues = false

    // The checkpoint reached at the end of the batch.
    public var line = 0
    public var offset: Int64 = 0
    /// The counts so far, but for achievements: only the writer knows which awards are new to the database.
    public var counts = IntakeCounts()
    public var finished = false
    public var size: Int64?
    /// Build the store's indexes it dropped for the load (SQLite: events' per-user index) in this batch's
    /// transaction, the last with events (`IntakeRun.buildsIndexAtEnd`).
    public var buildUserIndex = false

    public init() {}

    public init(reserving lines: Int) {
        events.reserveCapacity(lines)
    }

    /// A batch of no rows with the same checkpoint: for the next part of users' progress.
    public var sameCheckpoint: IngestBatch {
        var b = IngestBatch()
        b.line = line
        b.offset = offset
        b.counts = counts
        b.finished = finished
        b.size = size
        return b
    }

    /// The encoded progress of `members`, taken on the engine's thread so that it is exactly the state after the
    /// events handed to the engine so far (`Engine.takeChangedMembers()` tells which changed since the last save).
    /// What every store saves: the ingest's batches and PostgreSQL's workers.
    public static func progressStates(of members: ArraySlice<Member>, in engine: Engine) -> [(user: String, bytes: [UInt8])] {
        members.compactMap { member in engine.encodedProgress(of: member.id).map { (member.id, $0) } }
    }
}
