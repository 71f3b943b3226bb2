import IncentivesCore

/// The users to suggest for an id not on the roster (`why`, `user`): those nearest by edit distance, when any is
/// within a slip of the keyboard (`Suggestion`: `u-0159` → u-00159); else those sharing the longest prefix with
/// it, up to `limit`. The prefix alone suggested u-00001…u-00010 for `u-0159`.
enum NearestUsers {
    static func find(_ id: String, limit: Int = 10, all: () throws -> [Member], prefix: (String) throws -> [Member]) throws -> [Member] {
        let members = try all()
        let ids = members.map(\.id)
        let near = Suggestion.nearest(to: id, in: ids, limit: limit)
        if let best = near.first {
            // Only the nearest: u-00159 (one edit), not the many ids two edits away.
            let d = Suggestion.distance(Array(id.lowercased()), Array(best.lowercased()))
            let byID = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            return near.filter { Suggestion.distance(Array(id.lowercased()), Array($0.lowercased())) == d }.compactMap { byID[$0] }
        }
        var p = id
        while !p.isEmpty {
            let shared = try prefix(p)
            if !shared.isEmpty { return Array(shared.prefix(limit)) }
            p.removeLast()
        }
        return []
    }
}
