import Foundation
import IncentivesCore
import IncentivesInput

/// What `incentives init` asks of either store (SQLite or PostgreSQL): the change a catalog would make, and loading
/// catalog and roster.
public protocol CatalogLoading: AnyObject {
    /// The database as messages name it (a PostgreSQL URL without its password).
    var path: String { get }
    /// Whether a catalog is stored.
    var isInitialized: Bool { get }
    /// The stored catalog.
    func catalog() throws -> Catalog
    @discardableResult
    func load(catalogJSON: Data, catalogFile: String, roster: Roster, rosterFile: String, effective: LocalDate?, backfill: Bool) throws -> LoadSummary
}

extension CatalogLoading {
    /// What applying `catalogJSON` would change for the rewards of the stored catalog: nil when nothing is stored yet.
    public func plan(catalogJSON: Data, file: String) throws -> CatalogChange? {
        guard isInitialized else { return nil }
        let proposed = try CatalogDecoder.decode(catalogJSON, file: file)
        return CatalogChange.between(try catalog(), proposed)
    }
}
