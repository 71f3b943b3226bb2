/// How far ahead, in events, the hot loops ask for memory they will need (`replay`'s intake and shards, the
/// store's ingest): an id's table entry, and a user's state in three dependent stages (the progress object,
/// then its lists, then its rules' progress; see `Engine.prefetch(member:stage:)`). Far enough to cover a
/// memory access, near enough that what was fetched is still in cache when it is used.
public enum Prefetch {
    public static let ids = 8
    public static let userStages: [(ahead: Int, stage: Int)] = [(12, 1), (8, 2), (4, 3)]
}
