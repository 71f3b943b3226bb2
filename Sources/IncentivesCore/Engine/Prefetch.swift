/// How far ahead, in events, the intake's hot loops ask for memory they will need (`Intake`, with or without
/// shards, and `EngineShards`): an id's table entry (and the prior ids' answer), and a user's state in three
/// dependent stages (the progress object, then its lists, then its rules' progress; see
/// `Engine.prefetch(member:stage:)`). Far enough to cover a memory access, near enough that what was fetched
/// is still in cache when it is used.
enum Prefetch {
    static let ids = 8
    static let userStages: [(ahead: Int, stage: Int)] = [(12, 1), (8, 2), (4, 3)]
}
