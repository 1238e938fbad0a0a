// swift-tools-version: 6.1
// Times the current-month province snapshot of `SnapshotCurrentMonth` on a database made by
// `chiso ingest`, for the large sizes of ../../docs/performance.md (../../scripts/scale-run.sh).
// A package of its own: the benchmark plugin would run any executable of Benchmarks/ as a benchmark.
import PackageDescription

let package = Package(
    name: "scale-probe",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "chiso", path: "../..")],
    targets: [
        .executableTarget(
            name: "scale-probe",
            dependencies: [
                .product(name: "ChisoCore", package: "chiso"),
                .product(name: "ChisoEngine", package: "chiso"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
