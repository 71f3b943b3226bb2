import IncentivesCore

extension IngestBatch {
    /// Each re-send with its place among events: after the last event the batch accepted on an earlier line, or
    /// what the sink saw when that is later. (The intake tells every line in arrival order, with shards too; the
    /// batch's own events settle the place all the same, whatever a sink was told.)
    package func placedDuplicates() -> [(row: DuplicateRow, afterSeq: Int64)] {
        var out: [(row: DuplicateRow, afterSeq: Int64)] = []
        out.reserveCapacity(duplicates.count)
        var k = 0
        var lastBefore: Int64 = 0
        for d in duplicates {
            while k < events.count && events[k].line < d.line {
                lastBefore = events[k].seq
                k += 1
            }
            out.append((d, max(d.afterSeq, lastBefore)))
        }
        return out
    }
}
