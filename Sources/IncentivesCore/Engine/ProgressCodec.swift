/// Saved progress as bytes and back: how a store keeps a user's engine state between runs (`Engine.encodedProgress`,
/// `Engine.restoreProgress`). Kept apart from the engine so that a format change never edits the hot path.
///
/// Format 4 (written): the slots keyed by what they mean (`RewardSlot.definitionKey`, `#2` for a second slot that
/// means the same), each with its award count and its rule's bytes sized so that a reader whose catalog no longer
/// has the reward steps over them; the day log with the names its entries use; the points ledgers by program.
/// Read: 1 (day log entries spelled out), 2 (slots keyed by position, rule bytes unsized), 3 (no ledgers) and 4.
enum ProgressCodec {
    static func encode(_ p: MemberProgress, keys: [String], categories: CategoryCodes) -> [UInt8] {
        var w = ByteWriter()
        w.reserve(64 + p.slots.count * 48 + p.dayLog.count * 12)
        // Format 4: slots keyed by what they mean, each rule's bytes sized so that a reader whose catalog no
        // longer has the reward steps over them; the day log; then the points ledgers by program. (1: the day log
        // spelled each entry's type and category out; 2: slots keyed by position, rule bytes unsized; 3: no ledgers.)
        w.write(4)
        w.write(p.slots.count)
        for i in 0..<p.slots.count {
            w.write(keys[i])
            w.write(p.slots[i].awards)
            if let rule = p.slots[i].rule {
                w.write(1)
                w.writeSized { rule.encode(into: &$0) }
            } else {
                w.write(0)
            }
        }
        // The day log: the names its entries use (event types, then categories), once; then each entry as
        // (days since the previous entry, type's name, category's name or -1, event id). Names, not the
        // engine's codes, so that saved progress outlives a catalog edit.
        var names: [String] = EventType.allCases.map(\.rawValue)
        var nameOfCode = [Int](repeating: -1, count: categories.count)
        for entry in p.dayLog where entry.category >= 0 && nameOfCode[Int(entry.category)] < 0 {
            nameOfCode[Int(entry.category)] = names.count
            names.append(categories.name(of: entry.category) ?? "")
        }
        w.write(names.count)
        for name in names { w.write(name) }
        w.write(p.dayLog.count)
        var previousDay: Int32 = 0
        for entry in p.dayLog {
            w.write(Int(entry.day) - Int(previousDay))
            previousDay = entry.day
            w.write(EventType.allCases.firstIndex(of: entry.type)!)
            w.write(entry.category >= 0 ? nameOfCode[Int(entry.category)] : -1)
            w.write(entry.id)
        }
        encode(ledgers: p.ledgers, into: &w)
        return w.bytes
    }


    /// The points ledgers, by program id in id order (the same progress always gives the same bytes).
    private static func encode(ledgers: [String: PointsLedger], into w: inout ByteWriter) {
        w.write(ledgers.count)
        for (program, ledger) in ledgers.sorted(by: { $0.key < $1.key }) {
            w.write(program)
            w.write(ledger.total)
            w.write(ledger.reached.count)
            for tier in ledger.reached { w.write(tier) }
            w.write(ledger.entries.count)
            for e in ledger.entries {
                w.write(e.event)
                w.write(Int(e.day.dayNumber))
                w.write(e.total)
            }
        }
    }

    private static func decodeLedgers(from r: inout ByteReader) throws -> [String: PointsLedger] {
        var ledgers: [String: PointsLedger] = [:]
        for _ in 0..<(try r.readCount()) {
            let program = try r.readString()
            let total = try r.readInt()
            let reached = try (0..<r.readCount()).map { _ in try r.readString() }
            let entries = try (0..<r.readCount()).map { _ in
                let event = try r.readString()
                guard let day = Int32(exactly: try r.readInt()) else { throw ByteReader.Failure.mismatch("saved points name a day out of range") }
                return PointsLedger.Entry(event: event, day: LocalDate(dayNumber: day), total: try r.readInt())
            }
            guard let ledger = PointsLedger(total: total, entries: entries, reached: reached) else {
                throw ByteReader.Failure.mismatch("saved points for \(program) do not add up")
            }
            ledgers[program] = ledger
        }
        return ledgers
    }

    static func decode(_ bytes: [UInt8], member: Member, slots: [RewardSlot], keys savedKeys: [String],
                       categories: inout CategoryCodes) throws -> MemberProgress {
        var r = ByteReader(bytes)
        let version = try r.readInt()
        guard (1...4).contains(version) else { throw ByteReader.Failure.mismatch("saved progress has an unknown format") }
        let p = MemberProgress(slots: slots.count)
        let keys = version >= 3 ? savedKeys : slots.map(\.key)
        let index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let n = try r.readCount()
        for _ in 0..<n {
            let key = try r.readString()
            let awards = try r.readInt()
            let hasRule = try r.readInt() == 1
            guard let i = index[key] else {
                // A reward this catalog no longer offers, or whose incentive now asks something else: what was
                // earned stays recorded, the progress toward more is left behind (format 3 can step over it).
                // Formats 1 and 2 cannot; the store re-saves them in format 3 under the old catalog before a new
                // one applies (`Store.load`).
                guard version >= 3 else { throw ByteReader.Failure.mismatch("saved progress for a reward the catalog no longer has: \(key)") }
                if hasRule { try r.skipSized() }
                continue
            }
            // More than the limit is possible (a catalog may lower it: none is taken back); below zero is not.
            guard awards >= 0 else { throw ByteReader.Failure.mismatch("saved progress holds a negative award count for \(key)") }
            p.slots[i].awards = awards
            if hasRule {
                let decode = { (r: inout ByteReader) in try slots[i].incentive.rule.decodeProgress(span: slots[i].span(for: member), from: &r) }
                p.slots[i].rule = version >= 3 ? try r.readSized(decode) : try decode(&r)
            }
        }
        if version == 1 {
            try decodeDayLogV1(from: &r, into: p, categories: &categories)
        } else {
            let names = try (0..<r.readCount()).map { _ in try r.readString() }
            let logCount = try r.readCount()
            p.reserveLog(logCount)
            var day: Int32 = 0
            for i in 0..<logCount {
                let delta = try r.readInt()
                let (sum, overflow) = Int(day).addingReportingOverflow(delta)
                guard !overflow, let next = Int32(exactly: sum) else { throw ByteReader.Failure.mismatch("saved progress holds a day out of range") }
                guard i == 0 || delta >= 0 else { throw ByteReader.Failure.mismatch("saved progress's day log is out of order") }
                day = next
                let t = try r.readInt(), c = try r.readInt()
                guard names.indices.contains(t), let type = EventType(rawValue: names[t]), c == -1 || names.indices.contains(c) else {
                    throw ByteReader.Failure.mismatch("saved progress names an unknown event type or category")
                }
                p.appendToLog(.init(day: day, type: type, category: c < 0 ? -1 : categories.code(of: names[c]), id: try r.readString()))
            }
        }
        if version >= 4 {
            // Ledgers of programs the catalog no longer runs stay out: their points can reach nothing.
            let programs = Set(slots.map(\.program.id))
            p.ledgers = try decodeLedgers(from: &r).filter { programs.contains($0.key) }
        }
        // Evidence is named from the day log (`achievement`): a day a rule counts with no event logged for it would
        // trap there when it is used. Progress the engine saved never has one; corrupt bytes can.
        // Both lists are in day order: one merge per slot.
        let log = p.dayLog
        for i in 0..<p.slots.count {
            guard let rule = p.slots[i].rule else { continue }
            var j = 0
            for day in rule.countedDays.sorted() { // a single event's days are in arrival order
                while j < log.count, log[j].day < day.dayNumber { j += 1 }
                guard j < log.count, log[j].day == day.dayNumber else {
                    throw ByteReader.Failure.mismatch("saved progress counts a day it logged no event for: \(day)")
                }
            }
        }
        return p
    }

    /// The day log as format 1 wrote it: each entry's day, type and category spelled out.
    private static func decodeDayLogV1(from r: inout ByteReader, into p: MemberProgress, categories: inout CategoryCodes) throws {
        let logCount = try r.readCount()
        p.reserveLog(logCount)
        var previous = Int32.min
        for _ in 0..<logCount {
            let day = try r.readInt32()
            guard day >= previous else { throw ByteReader.Failure.mismatch("saved progress's day log is out of order") }
            previous = day
            guard let type = EventType(rawValue: try r.readString()) else { throw ByteReader.Failure.mismatch("saved progress names an unknown event type") }
            let name = try r.readString()
            let code = categories.code(of: name.isEmpty ? nil : name)
            p.appendToLog(.init(day: day, type: type, category: code, id: try r.readString()))
        }
    }
}
