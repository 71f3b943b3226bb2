/// One catalog version as a store keeps it (`incentives init` records one when a catalog changes a reward).
public struct CatalogVersion: Sendable {
    public let version: Int
    /// The first local day on which the rewards it added or redefined count (version 1: none).
    public let effective: LocalDate?
    public let file: String?
    public let loadedAt: Double
    /// What it changed, one sentence each (empty for version 1).
    public let changes: [String]
    /// The catalog as loaded.
    public let catalogJSON: String

    public init(version: Int, effective: LocalDate?, file: String?, loadedAt: Double, changes: [String], catalogJSON: String) {
        self.version = version
        self.effective = effective
        self.file = file
        self.loadedAt = loadedAt
        self.changes = changes
        self.catalogJSON = catalogJSON
    }
}
