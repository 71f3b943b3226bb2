// swift-tools-version:6.0
// Fuzz targets for every reader of untrusted bytes (issue 15). Kept out of the product build: this is a
// package of its own, built only by `Tests/Fuzz/run` with `--sanitize fuzzer --sanitize address`.
//
// SwiftPM refuses target paths outside a package's root, so `Tests/Fuzz/Sources/<Module>` are symlinks to the
// main package's `Sources/<Module>`: the fuzzers compile the very same files. The module graph below
// mirrors the root Package.swift for the modules used here (keep the two in step). The release-only
// `-enforce-exclusivity=unchecked` of IncentivesCore is left out on purpose: fuzzing wants the checks.
import PackageDescription

let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzEventLine", ["IncentivesInput", "IncentivesCore"]),
    ("FuzzCatalog", ["IncentivesInput", "IncentivesCore"]),
    ("FuzzRoster", ["IncentivesInput", "IncentivesCore"]),
    ("FuzzProgress", ["IncentivesInput", "IncentivesCore"]),
    ("FuzzArguments", ["IncentivesText"]),
    ("FuzzWebhookResponse", ["IncentivesDelivery", "IncentivesCore"]),
    ("FuzzTextWidth", ["IncentivesText", "CTextWidth"]),
    ("FuzzEngineDiff", ["IncentivesCore"]),
]

let package = Package(
    name: "IncentivesFuzz",
    targets: [
        .target(
            name: "CJSONLines",
            path: "Sources/CJSONLines",
            cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1"), .unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CTLS", path: "Sources/CTLS", pkgConfig: "libssl"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        .target(name: "CMemoryHints", path: "Sources/CMemoryHints"),
        .target(name: "IncentivesCore", dependencies: ["CMemoryHints"], path: "Sources/IncentivesCore"),
        .target(name: "IncentivesInput", dependencies: ["IncentivesCore", "IncentivesText", "CJSONLines"], path: "Sources/IncentivesInput"),
        // -enable-testing: the fuzzer reads the HTTP answer through `WebhookClient.outcome`, which is internal.
        .target(name: "IncentivesDelivery", dependencies: ["IncentivesCore", "CCrypto", "CCurl", "CTLS"], path: "Sources/IncentivesDelivery",
                swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        .target(name: "CTextWidth", path: "Sources/CTextWidth"),
        .target(name: "IncentivesText", dependencies: ["CTextWidth"], path: "Sources/IncentivesText"),
        // Assertions and the small fixed worlds the targets share.
        // Swift 5 mode for the harnesses only: their globals are set up once and used from libFuzzer's one thread.
        .target(name: "FuzzSupport", dependencies: ["IncentivesCore", "IncentivesInput"], path: "Support",
                swiftSettings: [.swiftLanguageMode(.v5)]),
    ] + fuzzTargets.map { t in
        // Each target defines LLVMFuzzerTestOneInput; libFuzzer supplies main().
        .executableTarget(name: t.name, dependencies: t.dependencies + ["FuzzSupport"],
                          path: "Targets/\(t.name)", swiftSettings: [.swiftLanguageMode(.v5)])
    },
    cxxLanguageStandard: .cxx17
)
