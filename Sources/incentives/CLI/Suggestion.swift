/// "Did you mean": the known word nearest to a mistyped one, by edit distance, when it is near enough to be
/// a slip of the keyboard (at most a third of the word, and at most 2 edits) rather than another word.
enum Suggestion {
    static func nearest(to word: String, in known: some Sequence<String>) -> String? {
        let typed = Array(word.lowercased())
        var best: (word: String, distance: Int)?
        for candidate in known {
            let d = distance(typed, Array(candidate.lowercased()))
            if d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        guard let best, best.distance > 0, best.distance <= min(2, max(1, typed.count / 3)) else { return nil }
        return best.word
    }

    /// " (did you mean X?)", or nothing.
    static func clause(for word: String, in known: some Sequence<String>, prefix: String = "") -> String {
        nearest(to: word, in: known).map { "; did you mean \(prefix)\($0)?" } ?? ""
    }

    /// Levenshtein distance, one row at a time.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
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
