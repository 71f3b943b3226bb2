// swift-tools-version:6.0
// Incentives: the engine that decides when an enterprise user has earned a reward.
// No SwiftPM package dependencies: C libraries come from Debian through system library
// targets (sqlite3, ncursesw, libcrypto) and one small C++ target over simdjson.
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
        // The model, the rules, the engine: pure Swift, no I/O.
        .target(name: "IncentivesCore"),
        // Decoding and validating catalog.json, roster.jsonl and events.jsonl.
        .target(name: "IncentivesInput", dependencies: ["IncentivesCore", "CJSONLines"]),
        // ncursesw through pkg-config, with a shim that exposes the macros Swift cannot import.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        // The admin console: state, update and views over a cell grid; the ncurses backend is one edge.
        .target(name: "IncentivesConsole", dependencies: ["IncentivesCore", "IncentivesInput", "CNcursesw"]),
        .executableTarget(
            name: "incentives",
            dependencies: ["IncentivesCore", "IncentivesInput", "IncentivesConsole"]
        ),
        .testTarget(name: "IncentivesCoreTests", dependencies: ["IncentivesCore"]),
        .testTarget(name: "IncentivesInputTests", dependencies: ["IncentivesInput", "IncentivesCore"]),
        // Golden screens, update tests, and tmux end-to-end tests that drive the real binary (hence the dependency).
        .testTarget(name: "IncentivesConsoleTests", dependencies: ["IncentivesConsole", "IncentivesCore", "incentives"],
                    exclude: ["Golden", "Fixtures"]),
    ],
    cxxLanguageStandard: .cxx17
)
