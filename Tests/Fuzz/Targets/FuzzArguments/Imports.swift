// Arguments.swift (a symlink to the command's) uses `Suggestion`, which lives in IncentivesText; the command
// re-exports that module to its files (Sources/incentives), so the harness does the same.
@_exported import IncentivesText
