// The shared test helpers (TempDir, ...; Tests/TestSupport): every file of this target sees them.
@_exported import TestSupport
