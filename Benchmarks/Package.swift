// swift-tools-version:6.1
import PackageDescription

import struct Foundation.URL

// PinBench's benchmark suite, a package of its own (as swift-nio's Benchmarks/) so that the main
// package's `swift build` and `swift test` never build ordo-one/benchmark. Run from this folder:
//   swift package benchmark                 every target, tables on stdout
//   ../scripts/bench-check.sh               the suite, then the checked-in thresholds
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// SwiftPM names a path dependency after its folder, not its manifest's `name`, so a clone in
// any folder (`pinbench`, `main`, a CI checkout) needs the products asked for by that name.
let pinBench = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
    "BenchmarkSupport",
]

let package = Package(
    name: "PinBenchBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The plain C populate job the harness-overhead benchmark holds PinBench against.
        .target(
            name: "CPlainJob",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("pthread")]
        ),
        // What more than one benchmark target needs: the no-op backend, metrics, regions.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PinEngine", package: pinBench),
                .product(name: "PinBackends", package: pinBench),
                .product(name: "PinSystem", package: pinBench),
                .product(name: "PinCore", package: pinBench),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "PlannerBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "PinCore", package: pinBench)],
            path: "Benchmarks/PlannerBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "PinEngine", package: pinBench),
                .product(name: "PinSystem", package: pinBench),
                .product(name: "PinCore", package: pinBench),
            ],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BackendBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "PinBackends", package: pinBench),
                .product(name: "PinSystem", package: pinBench),
                .product(name: "PinCore", package: pinBench),
            ],
            path: "Benchmarks/BackendBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HarnessOverheadBenchmarks",
            dependencies: benchmarkDependencies + [
                "CPlainJob",
                .product(name: "PinEngine", package: pinBench),
                .product(name: "PinBackends", package: pinBench),
                .product(name: "PinSystem", package: pinBench),
                .product(name: "PinCore", package: pinBench),
            ],
            path: "Benchmarks/HarnessOverheadBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
