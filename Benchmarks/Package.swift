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
let pinBenchPackage = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

/// One of PinBench's library products.
func pinBench(_ product: String) -> Target.Dependency {
    .product(name: product, package: pinBenchPackage)
}

/// A benchmark executable: its sources in `Benchmarks/<name>/`, where the plugin looks for them.
func benchmarkTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: "Benchmarks/\(name)",
        swiftSettings: swiftSettings,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

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
        // What more than one benchmark target needs: the no-op backend, metrics, checks.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                pinBench("PinEngine"), pinBench("PinContract"), pinBench("PinSystem"), pinBench("PinCore"),
            ],
            swiftSettings: swiftSettings
        ),
        benchmarkTarget("PlannerBenchmarks", [pinBench("PinCore")]),
        benchmarkTarget("EngineBenchmarks", ["BenchmarkSupport", pinBench("PinEngine"), pinBench("PinSystem"), pinBench("PinCore")]),
        benchmarkTarget(
            "BackendBenchmarks",
            ["BenchmarkSupport", pinBench("PinBackends"), pinBench("PinContract"), pinBench("PinSystem"), pinBench("PinCore")]
        ),
        benchmarkTarget(
            "HarnessOverheadBenchmarks",
            ["BenchmarkSupport", "CPlainJob", pinBench("PinEngine"), pinBench("PinBackends"), pinBench("PinSystem"), pinBench("PinCore")]
        ),
    ]
)
