// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vigie",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .library(name: "VigieCore", targets: ["VigieCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        /// The domain: identifiers, notices and their classification, observations, the diff,
        /// alert identity, watchlists. Pure computation, no I/O.
        .target(
            name: "VigieCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "CYAML",
            ]
        ),
        /// libyaml's event parser, for watchlists and configuration read a subtree at a time (Debian's libyaml-dev).
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        /// libcurl, for outbound HTTP(S) and SMTP(S) (Debian's libcurl4-openssl-dev).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        /// An async HTTP and SMTP client over libcurl: a pool of worker threads, timeouts, TLS, proxies.
        .target(name: "VigieTransport", dependencies: ["CCurl"]),
        /// libxml2's SAX2 push parser, for DILA's bulk XML, and zlib to read gzip-compressed files
        /// (Debian's libxml2-dev and zlib1g-dev).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        /// Adapters that read the outside world's formats: BODACC (API JSON, DILA XML),
        /// provider reports, and the fixture scenario that replays them.
        .target(
            name: "VigieProviders",
            dependencies: ["VigieCore", "CLibXML2", "VigieTransport"]
        ),
        /// `vigie mock-provider`: the providers' APIs served from scenario files, with faults on demand.
        .target(
            name: "VigieMock",
            dependencies: [
                "VigieCore", "VigieProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Snapshots, observations, alerts, the outbox and run state: in SQLite (the embedded
        /// default) or PostgreSQL (several replicas), each with its migrations.
        .target(
            name: "VigieStore",
            dependencies: [
                "VigieCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The channels alerts go out on: log, terminal, signed webhooks, chat webhooks, email.
        .target(
            name: "VigieDelivery",
            dependencies: [
                "VigieCore", "VigieTransport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        /// Configuration, composition, the watch cycle, the poller and dispatcher services.
        .target(
            name: "VigieRuntime",
            dependencies: [
                "VigieCore", "VigieProviders", "VigieStore", "VigieDelivery", "VigieTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        /// Fakes for the seams: providers, feed, channel, clock. Shipped for tests and benchmarks.
        .target(
            name: "VigieTestSupport",
            dependencies: [
                "VigieCore", "VigieTransport", "VigieStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieProviders", "VigieStore", "VigieRuntime", "VigieDelivery", "VigieMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore", "VigieTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "VigieProvidersTests", dependencies: ["VigieCore", "VigieProviders", "VigieTestSupport", "VigieMock", "VigieTransport"]),
        .testTarget(
            name: "VigieStoreTests",
            dependencies: ["VigieCore", "VigieStore", "VigieTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "VigieTransportTests", dependencies: ["VigieTransport", "VigieTestSupport"]),
        .testTarget(
            name: "VigieDeliveryTests",
            dependencies: [
                "VigieCore", "VigieDelivery", "VigieTransport", "VigieStore", "VigieRuntime", "VigieTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "VigieRuntimeTests",
            dependencies: ["VigieCore", "VigieProviders", "VigieStore", "VigieRuntime", "VigieTestSupport", "VigieMock", "VigieTransport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
