/// One reward of one program of one employer, as the menus show it (`incentives programs`, the console's
/// Programs screen), with enrolment and how many have earned it.
public struct ProgramReward: Sendable {
    public let employer: Employer
    public let program: Program
    /// Position of the reward in its program (catalog order).
    public let rewardIndex: Int
    public let incentive: Incentive
    /// Users of this employer on the roster eligible on at least one day of the program (`Program.enrolls`):
    /// what an employer means by "enrolled", the same from every reader.
    public let enrolled: Int
    /// Users of this employer on the roster, eligible or not (the employer's headcount).
    public let employerUsers: Int
    public let achievements: Int

    public init(employer: Employer, program: Program, rewardIndex: Int, incentive: Incentive, enrolled: Int, employerUsers: Int,
                achievements: Int) {
        self.employer = employer
        self.program = program
        self.rewardIndex = rewardIndex
        self.incentive = incentive
        self.enrolled = enrolled
        self.employerUsers = employerUsers
        self.achievements = achievements
    }

    public var reward: Reward { program.rewards[rewardIndex] }
    /// The catalog's `kind`, as the rule names itself.
    public var kind: String { type(of: incentive.rule).kind }
}
