// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "voltop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "voltop", targets: ["voltop"]),
        .library(name: "VolumeCore", targets: ["VolumeCore"])
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0")
    ],
    targets: [
        .target(
            name: "VolumeCore",
            dependencies: [
                "CVolumeSys",
                "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl")
            ]
        ),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CVolumeSys", path: "Sources/CVolumeSys"),
        // zlib (Debian's zlib1g-dev) for gzip archives: `voltop export -o FILE.tar.gz`, `voltop import`.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "VolumeUI", dependencies: ["VolumeCore"]),
        .target(name: "TerminalBackend", dependencies: ["VolumeUI", "CNcursesw"]),
        .target(name: "VoltopConfig", dependencies: ["VolumeCore", "VolumeUI", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(
            name: "DashboardRuntime",
            dependencies: ["VolumeCore", "VolumeUI", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "voltop",
            dependencies: [
                "VolumeCore", "VolumeUI", "TerminalBackend", "DashboardRuntime", "VoltopConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ],
            // Release builds link with the toolchain's lld: relative relocations packed (DT_RELR, glibc 2.36+; still
            // position-independent) and no exported symbols, so the dynamic loader reads about 60 KiB of tables at start
            // instead of 5 MiB (RSS after start 35.7 -> 32.7 MiB at 1,000 volumes).
            // The code that runs goes first, together (Resources/link/voltop.order, written by scripts/order-file),
            // and the compiler's unnamed helpers beside it (Resources/link/text-layout.ld): the kernel maps text in
            // 64 KiB blocks around each page run, so scattered hot code kept 16.7 MiB of text resident; laid out,
            // 30.2 -> 21.0 MiB RSS at 1,000 volumes. It takes full effect with scripts/build-release, which puts every
            // function of the dependencies in a section of its own too. Link-only: the compiled code is the same.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Resources/link/voltop.order",
                        "-Xlinker", "--no-warn-symbol-ordering",
                        "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/Resources/link/text-layout.ld"
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(name: "ScanBench", dependencies: ["VolumeCore"]),
        .executableTarget(name: "VolumeUIBench", dependencies: ["VolumeUI", "VolumeCore"]),
        .testTarget(name: "VolumeCoreTests", dependencies: ["VolumeCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VolumeUITests", dependencies: ["VolumeUI", "VolumeCore", "VoltopConfig"], exclude: ["Snapshots"]),
        .testTarget(name: "IntegrationTests", dependencies: ["VolumeCore", "DashboardRuntime"]),
        .testTarget(name: "EndToEndTests", dependencies: ["VolumeCore"]),
        .testTarget(
            name: "DashboardRuntimeTests",
            dependencies: ["DashboardRuntime", "VolumeUI", "VolumeCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "TerminalBackendTests", dependencies: ["TerminalBackend", "VolumeUI"])
    ]
)
