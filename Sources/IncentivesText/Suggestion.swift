/// "Did you mean": the known words nearest to a mistyped one, by edit distance, when near enough to be a slip of
/// the keyboard (at most a third of the word, and at most 2 edits) rather than another word. The one helper every
/// suggestion goes through: commands and options, ids (`why u-0159` → u-00159), catalog names, reason codes,
/// the simulator's zones.
public enum Suggestion {
    /// The nearest known word, or nil when none is near enough (or the word is known as typed).
    public static func nearest(to word: String, in known: some Sequence<String>) -> String? {
        nearest(to: word, in: known, limit: 1).first
    }

    /// Up to `limit` known words near enough to `word`, nearest first (ties in the order given); none when the
    /// word itself is known (case aside).
    public static func nearest(to word: String, in known: some Sequence<String>, limit: Int) -> [String] {
        let typed = Array(word.lowercased())
        let most = min(2, max(1, typed.count / 3))
        var found: [(word: String, distance: Int, order: Int)] = []
        for (order, candidate) in known.enumerated() {
            let c = Array(candidate.lowercased())
            // Lengths further apart than the edits allowed cannot be near: skip the table.
            guard abs(c.count - typed.count) <= most else { continue }
            let d = distance(typed, c)
            if d == 0 { return [] }
            if d <= most { found.append((candidate, d, order)) }
        }
        return found.sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.prefix(max(limit, 0)).map(\.word)
    }

    /// "; did you mean X?", or nothing.
    public static func clause(for word: String, in known: some Sequence<String>, prefix: String = "") -> String {
        nearest(to: word, in: known).map { "; did you mean \(prefix)\($0)?" } ?? ""
    }

    /// Levenshtein distance, one row at a time.
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
