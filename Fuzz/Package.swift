// swift-tools-version:6.1
import PackageDescription

import struct Foundation.URL

// PinBench's libFuzzer targets, a package of its own (as Benchmarks/) so the main package's
// build and tests never need the fuzzer runtime. Build and run with ../scripts/fuzz.sh.
let pinBenchPackage = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "PinBenchFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "PinBenchFuzz",
            dependencies: [
                .product(name: "PinCLI", package: pinBenchPackage),
                .product(name: "PinCore", package: pinBenchPackage),
                .product(name: "PinHarness", package: pinBenchPackage),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
