// The shared test helpers (Binary, TempDir, ...; Tests/TestSupport): every file of this target sees them.
@_exported import TestSupport
