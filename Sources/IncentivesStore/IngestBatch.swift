import IncentivesCore
import IncentivesInput

/// Everything one batch of an ingest writes, decided by the engine thread and written by `BatchWriter` in ONE
/// transaction: the accepted events (with the sequence numbers the engine thread gave them), the refused
/// lines, the achievements with the event that earned each, the users' progress when it is saved, and the
/// checkpoint. The checkpoint and all the rows up to it therefore commit together or not at all.
struct IngestBatch {
    struct EventRow {
        let seq: Int64
        let event: Event
        let line: Int
    }

    struct RejectRow {
        let line: Int
        let why: Rejection
        let id: String?
    }

    /// An exact re-send: where it arrived, and the last event accepted before it (`afterSeq`: its place among
    /// events), for `why` (`DuplicateArrivals`).
    struct DuplicateRow {
        let line: Int
        let event: Event
        let afterSeq: Int64
    }

    /// An award and the event that earned it, with its JSON line formatted on the engine thread; the writer
    /// formats the other text columns. (Split so that the two threads are about as busy on the benchmark load.)
    struct AchievementRow {
        let achievement: Achievement
        let eventSeq: Int64
        let json: String

        init(_ a: Achievement, eventSeq: Int64) {
            achievement = a
            self.eventSeq = eventSeq
            json = a.jsonLine
        }
    }

    var events: [EventRow] = []
    var rejects: [RejectRow] = []
    var duplicates: [DuplicateRow] = []
    /// In recording order: their `seq` in `achievements` is the order replay prints them in.
    var achievements: [AchievementRow] = []
    /// Set when this batch saves users' progress: each changed user's encoded state, and the last event
    /// sequence number that state includes (`ProgressLog`).
    var progress: (states: [(user: String, bytes: [UInt8])], throughSeq: Int64)?
    /// The transaction goes on in the next batch, which commits it unless it goes on too: users' progress is
    /// saved in parts (`Ingestor.Options.progressPartUsers`), each handed to the writer as soon as it is
    /// encoded, in the transaction of the batch whose state it is.
    var continues = false

    // The checkpoint reached at the end of the batch.
    var line = 0
    var offset: Int64 = 0
    /// The counts so far, but for achievements: only the writer knows which awards are new to the database.
    var counts = IntakeCounts()
    var finished = false
    var size: Int64?
    /// Build events' per-user index in this batch's transaction, the last with events: the ingest dropped it
    /// (`UserIndex`).
    var buildUserIndex = false

    init() {}

    init(reserving lines: Int) {
        events.reserveCapacity(lines)
    }

    /// A batch of no rows with the same checkpoint: for the next part of users' progress.
    var sameCheckpoint: IngestBatch {
        var b = IngestBatch()
        b.line = line
        b.offset = offset
        b.counts = counts
        b.finished = finished
        b.size = size
        return b
    }
}

/// The ingest's `IntakeSink`: the intake's decisions become the rows of the batch being filled. Each accepted
/// event gets the next sequence number here (the ingest lock makes the ingest the only writer of events), so
/// the engine thread knows an event's `seq` without waiting for its INSERT.
struct BatchFiller: IntakeSink {
    var batch: IngestBatch
    /// The reader's lines being taken: the intake's indices are theirs.
    var items: [EventStream.Item] = []
    /// The `seq` of the next accepted event.
    var nextSeq: Int64

    init(batch: IngestBatch, nextSeq: Int64) {
        self.batch = batch
        self.nextSeq = nextSeq
    }

    mutating func reject(at index: Int, _ why: Rejection, event: Event?) {
        batch.rejects.append(.init(line: items[index].line, why: why, id: event?.id))
    }

    mutating func duplicate(at index: Int, _ event: Event) {
        batch.duplicates.append(.init(line: items[index].line, event: event, afterSeq: nextSeq - 1))
    }

    mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
        let seq = nextSeq
        nextSeq += 1
        batch.events.append(.init(seq: seq, event: event, line: items[index].line))
        for a in earned { batch.achievements.append(.init(a, eventSeq: seq)) }
    }
}
