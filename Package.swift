// swift-tools-version:6.0
// Incentives: the engine that decides when an enterprise user has earned a reward.
// No SwiftPM package dependencies: C libraries come from Debian through system library
// targets (sqlite3, libpq, ncursesw, libcrypto, libssl, libcurl) and one small C++ target over simdjson.
import PackageDescription

let package = Package(
    name: "Incentives",
    products: [
        .executable(name: "incentives", targets: ["incentives"]),
    ],
    targets: [
        // A small C API over simdjson for reading one JSON event line at a time.
        .target(
            name: "CJSONLines",
            path: "Sources/CJSONLines",
            cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1"), .unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        // libcrypto (OpenSSL) for SHA-256 and HMAC-SHA256: signing deliveries and batch files.
        .systemLibrary(
            name: "CCrypto",
            path: "Sources/CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libcurl (pkg-config libcurl, Debian libcurl4-openssl-dev): the webhook client's HTTP and TLS, one deadline
        // for the whole exchange and an answer's body read only as far as a message needs (HTTPExchange).
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // libssl (OpenSSL) for the loopback receiver's TLS (the tests' and the benchmark's stand-in partner).
        .systemLibrary(
            name: "CTLS",
            path: "Sources/CTLS",
            pkgConfig: "libssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Prefetch hints for the engine's table look-ups (one static inline function each).
        .target(name: "CMemoryHints", path: "Sources/CMemoryHints"),
        // The model, the rules, the engine: pure Swift, no I/O.
        .target(
            name: "IncentivesCore",
            dependencies: ["CMemoryHints"],
            // The engine's state lives in classes it alone touches on one thread; dynamic exclusivity
            // checks on every bitset write are a large share of evaluation time in release builds (README, Benchmarks).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Text from data made safe for a terminal and measured in cells, and the buffered, escaped `Output` the
        // command writes through: the CLI's tables and the console share it.
        .target(name: "IncentivesText", dependencies: ["CTextWidth"]),
        // wcwidth(3), which Glibc's Swift module does not export.
        .target(name: "CTextWidth", path: "Sources/CTextWidth"),
        // Decoding and validating catalog.json, roster.jsonl and events.jsonl.
        .target(name: "IncentivesInput", dependencies: ["IncentivesCore", "IncentivesText", "CJSONLines"]),
        // The system SQLite (pkg-config sqlite3, Debian libsqlite3-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libpq, PostgreSQL's client library (pkg-config libpq, Debian libpq-dev): the second store.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libnats, the NATS C client (pkg-config libnats, Debian libnats-dev): events from a JetStream stream.
        .systemLibrary(name: "CNATS", path: "Sources/CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        // What both SQL stores share, with no database library: the read side written once (`SQLRow`, `SQLDialect`,
        // `SQLStoreReader`, each read model's decoding), `StoreError`, the stored catalog and roster's decoding, catalog
        // versions' rules, the catalog backfill and the explanation of a user's stored lines (`why`).
        .target(name: "IncentivesSQL", dependencies: ["IncentivesCore", "IncentivesInput"]),
        // The durable store on one SQLite file: ingest, look-ups, the partner outbox.
        .target(name: "IncentivesStore", dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesSQL", "CSQLite", "CMemoryHints"]),
        // The same store on a PostgreSQL database through libpq: an admit-only inbox, workers, roles.
        .target(name: "IncentivesPostgres", dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesSQL", "CLibPQ"]),
        // The one store factory (`Stores`) and the write port (`StoreWriter`) with both stores' conformances: the only
        // module that sees both, so that commands, the bench and tests open a store by its location alone.
        .target(name: "IncentivesStores", dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesSQL", "IncentivesStore", "IncentivesPostgres"]),
        // Events from a live NATS JetStream stream (the ingest's `EventSource`) and the publisher in front of it.
        .target(name: "IncentivesStream", dependencies: ["IncentivesCore", "IncentivesInput", "CNATS"]),
        // Handing achievements to reward partners: payloads, pseudonyms, signatures, webhooks, batch files.
        .target(name: "IncentivesDelivery", dependencies: ["IncentivesCore", "CCrypto", "CCurl", "CTLS"]),
        // ncursesw through pkg-config, with a shim that exposes the macros Swift cannot import.
        // No pkgConfig: its only flags, -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600, are ones SwiftPM refuses ("prohibited
        // flag(s)" on every build); shim.h defines what the wide-character API needs, and libncursesw.so pulls in tinfo.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncurses-dev"])]),
        // The admin console: state, update and views over a cell grid; the ncurses backend is one edge.
        .target(name: "IncentivesConsole", dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesText", "CNcursesw"]),
        // The benchmarks behind `incentives bench` and the load generator behind `incentives generate`: kept out
        // of the command so that it holds only its commands.
        .target(name: "IncentivesBench",
                dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesSQL", "IncentivesStore", "IncentivesPostgres", "IncentivesStores", "IncentivesDelivery",
                               "IncentivesConsole", "IncentivesText", "IncentivesStream"]),
        .executableTarget(
            name: "incentives",
            dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesSQL", "IncentivesStore", "IncentivesStores", "IncentivesDelivery", "IncentivesConsole",
                           "IncentivesText", "IncentivesBench", "IncentivesStream"]
        ),
        // What several test targets share: finding and running the built `incentives`, temporary folders, small
        // worlds built in code, and the seeded generator of awkward input files (Tests/README.md).
        .target(name: "TestSupport", dependencies: ["IncentivesCore"], path: "Tests/TestSupport"),
        .testTarget(name: "IncentivesCoreTests", dependencies: ["IncentivesCore", "TestSupport"]),
        .testTarget(name: "IncentivesInputTests", dependencies: ["IncentivesInput", "IncentivesCore", "TestSupport"]),
        .testTarget(name: "IncentivesTextTests", dependencies: ["IncentivesText", "IncentivesCore"]),
        // Runs the built executable as a person would; depends on it so `swift test` builds it first.
        .testTarget(name: "IncentivesCLITests", dependencies: ["incentives", "TestSupport"]),
        // Depends on the executable so that the crash tests can run (and kill) a real `incentives ingest`.
        .testTarget(name: "IncentivesStoreTests", dependencies: ["IncentivesSQL", "IncentivesStore", "IncentivesPostgres", "IncentivesStores", "IncentivesInput", "IncentivesCore", "incentives", "TestSupport"]),
        // A private nats-server per suite: publish, ingest from the stream, kill -9 and resume (hence the executable).
        .testTarget(name: "IncentivesStreamTests", dependencies: ["IncentivesStream", "incentives", "TestSupport"]),
        // Depends on the executable so that the crash test can run (and kill) a real `incentives deliver`.
        .testTarget(name: "IncentivesDeliveryTests",
                    dependencies: ["IncentivesDelivery", "IncentivesSQL", "IncentivesStore", "IncentivesPostgres", "IncentivesStores", "IncentivesCore", "IncentivesInput", "incentives", "TestSupport"]),
        // Golden screens, update tests, and tmux end-to-end tests that drive the real binary (hence the dependency).
        .testTarget(name: "IncentivesConsoleTests", dependencies: ["IncentivesConsole", "IncentivesSQL", "IncentivesStore", "IncentivesPostgres", "IncentivesStores", "IncentivesCore", "IncentivesInput", "incentives", "TestSupport"],
                    exclude: ["Golden", "Fixtures"]),
    ],
    cxxLanguageStandard: .cxx17
)
