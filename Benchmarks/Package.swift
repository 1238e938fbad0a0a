// swift-tools-version: 6.1
// chiso's benchmarks (issue 5): a package of their own, so that the main package's `swift build`
// and `swift test` never build ordo-one/benchmark. Run them with ../scripts/bench.sh, or:
//   swift package --disable-sandbox benchmark thresholds check
// See ../docs/performance.md.
import PackageDescription

let package = Package(
    name: "chiso-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "chiso", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The plugin looks for benchmark targets under Benchmarks/<target>/.
        .executableTarget(
            name: "ChisoBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ChisoCore", package: "chiso"),
                .product(name: "ChisoStore", package: "chiso"),
                .product(name: "ChisoEngine", package: "chiso"),
                .product(name: "ChisoWorkload", package: "chiso"),
            ],
            path: "Benchmarks/ChisoBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
