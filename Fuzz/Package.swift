// swift-tools-version: 6.1
// The libFuzzer harnesses, a package of their own beside the main one, which they link by path (a plain
// `swift build` of the main package must not build them: they link only with `-sanitize=fuzzer`). scripts/fuzz builds
// them with `-sanitize=fuzzer -D SWITCHBOARD_FUZZ`, which instruments every module they link.
import PackageDescription

let package = Package(
    name: "switchboard-fuzz",
    dependencies: [
        .package(name: "switchboard", path: "..")
    ],
    targets: [
        // Declares libFuzzer's driver, which each harness's `main` calls.
        .systemLibrary(name: "CLibFuzzer"),
        // The template language alone (GoText and GoTemplate): no NIO, no store.
        .executableTarget(
            name: "FuzzTemplate",
            dependencies: [
                "CLibFuzzer",
                .product(name: "GoTemplate", package: "switchboard"),
                .product(name: "GoText", package: "switchboard"),
            ]
        ),
        // The file store's YAML flattener, which lives in Core: this one builds Core and everything it links.
        .executableTarget(
            name: "FuzzYAML",
            dependencies: [
                "CLibFuzzer",
                .product(name: "Core", package: "switchboard"),
                .product(name: "GoText", package: "switchboard"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
