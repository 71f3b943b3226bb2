import Foundation
import IncentivesCore
import IncentivesInput

/// Zones with the awkward cases: half and quarter hours, a day skipped (Apia 2011, Kiritimati 1995),
/// negative DST (Dublin), a half-hour DST (Lord Howe), ±14 h, a zone that dropped DST (Sao Paulo).
public let awkwardZones = [
    "UTC", "America/Chicago", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Apia",
    "Pacific/Pago_Pago", "Australia/Lord_Howe", "America/St_Johns", "Europe/Dublin", "Africa/Casablanca",
    "America/Sao_Paulo", "Europe/London", "Asia/Tokyo",
]

/// A small catalog with one reward of every rule kind, for the targets that need a catalog they do not fuzz.
public let fixedCatalogJSON = """
{
  "incentives": [
    {"id": "log-3", "kind": "streak", "event": "health_data_logged", "days": 3},
    {"id": "sleep-2-of-4", "kind": "days_in_window", "event": "health_data_logged", "categories": ["sleep"], "days": 2, "window": 4},
    {"id": "birth", "kind": "single", "event": "birth_reported"},
    {"id": "mood-once", "kind": "single", "event": "health_data_logged", "categories": ["mood", "steps"]}
  ],
  "employers": [
    {"id": "acme", "programs": [
      {"id": "p1", "starts": "2026-03-01", "ends": "2026-04-30", "rewards": [
        {"incentive": "log-3", "reward": "r1", "limit": 3},
        {"incentive": "sleep-2-of-4", "reward": "r2", "limit": 2},
        {"incentive": "birth", "reward": "r3"}
      ]},
      {"id": "p2", "starts": "2026-03-10", "ends": "2026-03-20", "rewards": [
        {"incentive": "mood-once", "reward": "r4", "limit": 2},
        {"incentive": "log-3", "reward": "r5"}
      ]}
    ]},
    {"id": "globex", "programs": [
      {"id": "g1", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "log-3", "reward": "r6"}]}
    ]}
  ],
  "partners": [
    {"id": "pillowco", "employers": ["acme"], "webhook": {"url": "https://example.test/hook", "secretEnv": "PILLOW_SECRET"}}
  ]
}
"""

public let fixedCatalog: Catalog = {
    do { return try CatalogDecoder.decode(Data(fixedCatalogJSON.utf8), file: "fixed-catalog.json") } catch {
        propertyFailed("the fixed catalog does not decode: \(error)")
    }
}()

/// One shared directory: building a zone's table costs milliseconds, so each zone is built once per process.
public let sharedZones = ZoneDirectory()
