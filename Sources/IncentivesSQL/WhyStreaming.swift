import Foundation
import IncentivesCore

/// How `explain` reads a user's stored lines: `pageSize` rows a query, by keyset on arrival order, so that memory
/// is flat in the length of the user's history (issue 21); `rowsRead` is told how many rows each query brought
/// (tests count what a `--limit` read).
public struct WhyPaging {
    public var pageSize: Int
    public var rowsRead: ((Int) -> Void)?

    public static let defaultPageSize = 2_048

    public init(pageSize: Int = WhyPaging.defaultPageSize, rowsRead: ((Int) -> Void)? = nil) {
        self.pageSize = max(1, pageSize)
        self.rowsRead = rowsRead
    }
}

/// `why` on a store, streamed: the user's stored lines in arrival order, explained one by one, each line handed to
/// `consumer` as it is made. It may stop the reading (`ExplanationConsumer.take` false): nothing after is read. The
/// explanation returned has no lines, and its rewards are as of the last line read. nil for a user not on the roster.
public protocol WhyStreaming {
    func explain(user: String, today: LocalDate?, program: String?, paging: WhyPaging,
                 to consumer: any ExplanationConsumer) throws -> Explanation?
}

extension WhyStreaming {
    /// The whole explanation, every line kept (the console's Why pane, tests); `incentives why` streams instead.
    public func explainKept(user id: String, today: LocalDate?, program: String?) throws -> Explanation? {
        let lines = CollectedExplanationLines()
        guard var x = try explain(user: id, today: today, program: program, paging: WhyPaging(), to: lines) else { return nil }
        x.lines = lines.lines
        return x
    }
}
