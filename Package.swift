// swift-tools-version:6.1
import PackageDescription

// Layers (each imports only those below it, see docs/architecture.md):
//   pinbench -> PinCLI -> PinHarness -> PinEngine, PinBackends -> PinContract -> PinSystem -> PinCore, CPinSys
//   (and CPinBaseline, the C twins, under PinContract)
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "PinBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pinbench", targets: ["pinbench"]),
        .library(name: "PinCLI", targets: ["PinCLI"]),
        .library(name: "PinHarness", targets: ["PinHarness"]),
        .library(name: "PinEngine", targets: ["PinEngine"]),
        .library(name: "PinBackends", targets: ["PinBackends"]),
        .library(name: "PinContract", targets: ["PinContract"]),
        .library(name: "PinSystem", targets: ["PinSystem"]),
        .library(name: "PinCore", targets: ["PinCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "CPinSys",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [
                .linkedLibrary("numa"), .linkedLibrary("uring"), .linkedLibrary("hugetlbfs"), .linkedLibrary("pthread"),
            ]
        ),
        .target(
            name: "CPinBaseline",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("pthread")]
        ),
        .target(name: "PinCore", swiftSettings: swiftSettings),
        .target(name: "PinSystem", dependencies: ["PinCore", "CPinSys"], swiftSettings: swiftSettings),
        // What the engine and the harness need of a backend (NIOCore's role): the protocols, the
        // self-description every backend gives, verification and metrics. No backend lives here.
        .target(name: "PinContract", dependencies: ["PinCore", "PinSystem", "CPinBaseline"], swiftSettings: swiftSettings),
        .target(
            name: "PinBackends", dependencies: ["PinCore", "PinSystem", "PinContract", "CPinSys", "CPinBaseline"],
            swiftSettings: swiftSettings
        ),
        .target(name: "PinEngine", dependencies: ["PinCore", "PinSystem", "PinContract"], swiftSettings: swiftSettings),
        .target(
            name: "PinHarness",
            dependencies: ["PinCore", "PinSystem", "PinContract", "PinBackends", "PinEngine", "CPinBaseline"],
            swiftSettings: swiftSettings
        ),
        // The commands live in a library so tests and the fuzzer parse and validate them in process.
        .target(
            name: "PinCLI",
            dependencies: [
                "PinCore", "PinSystem", "PinContract", "PinBackends", "PinHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "pinbench", dependencies: ["PinCLI"], swiftSettings: swiftSettings),
        .testTarget(name: "PinCoreTests", dependencies: ["PinCore"], swiftSettings: swiftSettings),
        // What the test targets share: the lock that orders their use of the hugetlb pool.
        .target(name: "PinTestSupport", dependencies: ["PinSystem"], path: "Tests/PinTestSupport", swiftSettings: swiftSettings),
        // A backend that lives outside Sources/ (its own folder, one registration line), used by
        // the tests to show that a new backend reaches every table and the JSON.
        .target(
            name: "PinTestBackend", dependencies: ["PinBackends", "PinContract", "PinSystem", "PinCore"], path: "Tests/PinTestBackend",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PinSystemTests", dependencies: ["PinSystem", "PinCore", "CPinSys", "PinTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PinBackendsTests", dependencies: ["PinBackends", "PinEngine", "PinContract", "PinSystem", "PinCore", "CPinSys", "PinTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PinEngineTests", dependencies: ["PinEngine", "PinContract", "PinBackends", "PinSystem", "PinCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PinHarnessTests", dependencies: ["PinHarness", "PinEngine", "PinContract", "PinBackends", "PinSystem", "PinCore", "PinTestBackend"],
            // Golden/: the expected output of every report in every --format (GoldenTests).
            resources: [.copy("Golden")], swiftSettings: swiftSettings
        ),
        .testTarget(name: "PinbenchTests", dependencies: ["pinbench", "PinCLI", "PinContract", "PinSystem", "PinTestSupport", "PinTestBackend"], swiftSettings: swiftSettings),
    ]
)
