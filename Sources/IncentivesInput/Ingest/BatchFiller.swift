import IncentivesCore

/// The ingest core's `IntakeSink`: the intake's decisions become the rows of the batch being filled. Each accepted
/// event gets the next sequence number here (the ingest lock makes the ingest the only writer of events), so
/// the core's thread knows an event's `seq` without waiting for its INSERT. The same for every store: one that
/// only admits gets no achievements (its intake evaluates nothing).
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
        accept(at: index, event, member: -1, earned: earned)
    }

    mutating func accept(at index: Int, _ event: Event, member: Int, earned: [Achievement]) {
        let seq = nextSeq
        nextSeq += 1
        batch.events.append(.init(seq: seq, event: event, line: items[index].line, member: member))
        for a in earned { batch.achievements.append(.init(a, eventSeq: seq)) }
    }
}
