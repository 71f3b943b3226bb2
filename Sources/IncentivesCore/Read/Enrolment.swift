extension Program {
    /// Whether `member` counts as enrolled in this program: on its employer's roster and eligible on at least
    /// one day from `starts` to `ends` (what employers expect; a user whose eligibility ended before the program
    /// began is on the roster but not in the program). Every reader counts `ProgramReward.enrolled` and the
    /// console's "N of M users enrolled" by this; the SQL stores say the same in `SQLStoreReader.programs`.
    public func enrolls(_ member: Member) -> Bool {
        member.eligibleFrom <= ends && (member.eligibleUntil.map { $0 >= starts } ?? true)
    }
}
