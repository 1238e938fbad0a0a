// swift-tools-version: 6.1
// chiso: Vietnam's Decision 766 service-quality index, computed in real time.
import PackageDescription

let package = Package(
    name: "chiso",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chiso", targets: ["chiso"]),
        .library(name: "ChisoCore", targets: ["ChisoCore"]),
        .library(name: "ChisoStore", targets: ["ChisoStore"]),
        .library(name: "ChisoEngine", targets: ["ChisoEngine"]),
        .library(name: "ChisoWorkload", targets: ["ChisoWorkload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The system libsqlite3 (Debian: libsqlite3-dev).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Pure domain: events, validation, lifecycle, calendar, windows, profile, scoring. No I/O.
        .target(name: "ChisoCore"),
        // Synthetic, deterministic event streams (`chiso generate`, demo, tests, benchmarks).
        .target(name: "ChisoWorkload", dependencies: ["ChisoCore"]),
        // SQLite: connection, statements, schema. Owns every SQL string.
        .target(name: "ChisoStore", dependencies: ["CSQLite"]),
        // Ingest and incremental aggregation; snapshot, rank, explain, due, verify.
        .target(name: "ChisoEngine", dependencies: ["ChisoCore", "ChisoStore"]),
        // The command line.
        .executableTarget(
            name: "chiso",
            dependencies: [
                "ChisoCore", "ChisoEngine", "ChisoWorkload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ChisoCoreTests", dependencies: ["ChisoCore"]),
        .testTarget(name: "ChisoStoreTests", dependencies: ["ChisoStore"]),
        .testTarget(name: "ChisoEngineTests", dependencies: ["ChisoEngine", "ChisoCore", "ChisoStore", "ChisoWorkload"]),
        .testTarget(name: "ChisoWorkloadTests", dependencies: ["ChisoWorkload", "ChisoCore"]),
        .testTarget(name: "ChisoCLITests", dependencies: ["chiso", "ChisoEngine", "ChisoWorkload"], exclude: ["__Snapshots__"]),
    ],
    swiftLanguageModes: [.v6]
)
