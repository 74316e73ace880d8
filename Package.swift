// swift-tools-version: 6.1
import PackageDescription

/// Where this manifest lives, for linker inputs kept in the repository.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

// Linux only (the file store watches with inotify, the console and tests use glibc), so no `platforms:` entry claims
// an Apple platform this package does not build on.

/// Release links on Linux: lld with the functions the benchmarked paths run placed first (scripts/link-order says
/// why: RSS counts the binary's pages those paths touch), libstdc++ linked in statically (scripts/link/libstdc++.so),
/// and no dynamic symbol table for the executable, which nothing loads symbols from and the dynamic loader otherwise
/// searches on every relocation at start.
let releaseLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld",
            "-L", "\(packageDirectory)/scripts/link",
            "-Xlinker", "--symbol-ordering-file=\(packageDirectory)/scripts/hot-functions.order",
            // A warning per renamed function would be noise; scripts/release-build counts them instead and fails
            // when the order is stale.
            "-Xlinker", "--no-warn-symbol-ordering",
            "-Xlinker", "--no-export-dynamic",
            // Code sections without a symbol, which the order cannot name, in one stretch (the script says why).
            "-Xlinker", "--script=\(packageDirectory)/scripts/link/unnamed-code.ld",
        ],
        .when(platforms: [.linux], configuration: .release)
    )
]

/// For the modules below Core, whose small functions (GoString's `==`, `hash`, `<`; SortedKeyMap's lookups) Core and
/// the template run in their innermost loops: without their bodies across the module boundary, `-onetime` over
/// 100,000 backends took 0.50 s instead of 0.28–0.33 (scripts/bench).
let crossModuleOptimization: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))
]

let package = Package(
    name: "switchboard",
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        // For the fuzzer's package (Fuzz/Package.swift), which links them by path; nothing else uses them.
        .library(name: "GoText", targets: ["GoText"]),
        .library(name: "GoTemplate", targets: ["GoTemplate"]),
        .library(name: "Core", targets: ["Core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // etcd's gRPC API, generated once from Protos/etcd_api.proto by scripts/generate-etcd-api (no build runs
        // the generator); a target of its own so that Core's incremental builds do not recompile it.
        .target(
            name: "EtcdAPI",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Generated/EtcdAPI"
        ),
        // Go's text model: the byte string (`GoString`) that keys, values, templates and their output are made of,
        // and Go's integer literals. The bottom layer; no dependencies.
        .target(name: "GoText", swiftSettings: crossModuleOptimization),
        // The template language: Go's text/template dialect with confd's functions (lexer, parser, evaluator, printf,
        // the view of the store a template reads). Pure computation over GoText: no NIO, no store, no engine, so the
        // fuzzer (Fuzz/Package.swift) builds it alone.
        .target(name: "GoTemplate", dependencies: ["GoText"], swiftSettings: crossModuleOptimization),
        .target(
            name: "Core",
            dependencies: [
                "EtcdAPI",
                "GoText",
                "GoTemplate",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // confd's drop-in, `switchboard run`: its flags, config file precedence, log formats and main loop. The
        // command line's own code, kept out of Core (the engine knows nothing of flags) and tested on its own.
        .target(
            name: "ConfdDropIn",
            dependencies: [
                "Core",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "TUI",
            dependencies: ["Core", "GoText", "CNcurses"]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "Core",
                "ConfdDropIn",
                "GoText",
                "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            linkerSettings: releaseLinkerSettings
        ),
        .testTarget(name: "CoreTests", dependencies: ["Core", "GoTemplate", "GoText"]),
        .testTarget(name: "ConfdDropInTests", dependencies: ["ConfdDropIn", "Core"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Core", "GoText"], exclude: ["__Snapshots__"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "GoTemplate", "GoText", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
