// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "KioskController",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kioskd", targets: ["kioskd"]),
        .executable(name: "kioskctl", targets: ["kioskctl"]),
        .executable(name: "kiosk-central", targets: ["kiosk-central"]),
        .executable(name: "kiosk-bench", targets: ["kiosk-bench"]),
    ],
    targets: [
        // System C libraries from Debian (see README: one apt-get line installs them).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The one C shim: what Glibc does not import (ioctl numbers, curl's variadic setopt, pty).
        .target(name: "CKioskShim", dependencies: ["CCurl"]),

        // Domain: codes, dossiers, dates, scans. No Glibc, no I/O.
        .target(name: "KioskDomain", swiftSettings: strict),
        // Small Swift types over POSIX values: Errno, FileDescriptor, clocks.
        .target(name: "KioskSystem", swiftSettings: strict),
        // kiosk.conf and procedures.conf: INI syntax, schema, errors with file:line:key.
        .target(name: "KioskConfig", dependencies: ["KioskDomain", "KioskSystem"], swiftSettings: strict),
        // SQLite: Database, Statement, transactions, result codes.
        .target(name: "KioskSQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        // The kiosk's durable store: dossiers, outbox, print jobs, central statuses.
        .target(name: "KioskStore", dependencies: ["KioskDomain", "KioskSQLite"], swiftSettings: strict),
        // central-protocol.md: wire types and request signing (HMAC-SHA256 via libcrypto).
        .target(name: "KioskProtocol", dependencies: ["COpenSSL", "KioskDomain"], swiftSettings: strict),
        // Forwarding to the central server: libcurl transport, batches, backoff, updates.
        .target(
            name: "KioskForwarding",
            dependencies: ["KioskProtocol", "KioskStore", "KioskDomain", "KioskSystem", "CCurl", "CKioskShim"],
            swiftSettings: strict),
        // ESC/POS: encoder, Vietnamese code pages and raster text, QR and CODE128, printer
        // profiles, and an interpreter that renders any byte stream to PNG and text.
        .target(name: "ESCPOS", dependencies: ["KioskDomain"], swiftSettings: strict),
        // Devices: termios serial ports, the printer link (status, jobs), the evdev and serial
        // scanner readers, hot-plug, pseudo-terminals and the emulated printer.
        .target(
            name: "KioskDevices", dependencies: ["CKioskShim", "KioskSystem", "KioskDomain", "ESCPOS", "KioskStore"],
            swiftSettings: strict),
        // The reference receiver of central-protocol.md.
        .target(
            name: "KioskCentral", dependencies: ["KioskProtocol", "KioskSQLite", "KioskSystem", "KioskDomain"],
            swiftSettings: strict),

        // The service: composition of store, forwarding, devices and flows; kioskd's body.
        .target(
            name: "KioskService",
            dependencies: [
                "KioskConfig", "KioskStore", "KioskForwarding", "KioskCentral", "KioskSystem", "KioskDomain",
                "KioskProtocol", "ESCPOS", "KioskDevices",
            ],
            swiftSettings: strict),
        .executableTarget(name: "kioskd", dependencies: ["KioskService"], swiftSettings: strict),
        .executableTarget(
            name: "kioskctl",
            dependencies: [
                "KioskConfig", "KioskStore", "KioskDomain", "KioskSystem", "KioskProtocol", "KioskService",
                "KioskDevices",
                "ESCPOS",
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "kiosk-central", dependencies: ["KioskCentral", "KioskDomain", "KioskSystem"], swiftSettings: strict),
        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "KioskStore", "KioskForwarding", "KioskCentral", "KioskProtocol", "KioskDomain", "KioskSystem",
                "ESCPOS",
                "KioskDevices", "KioskService",
            ],
            exclude: ["peers"],
            swiftSettings: strict),

        .testTarget(name: "KioskDomainTests", dependencies: ["KioskDomain"], swiftSettings: strict),
        .testTarget(name: "KioskSystemTests", dependencies: ["KioskSystem"], swiftSettings: strict),
        .testTarget(name: "KioskConfigTests", dependencies: ["KioskConfig"], swiftSettings: strict),
        .testTarget(
            name: "KioskSQLiteTests", dependencies: ["KioskSQLite", "KioskTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KioskStoreTests", dependencies: ["KioskStore", "KioskSQLite", "CPowerCutVFS", "KioskTestSupport"],
            swiftSettings: strict),
        // Test-only: an SQLite VFS that simulates power cuts (docs/durability.md). Only test
        // targets depend on it, so no product links code that loses writes on purpose.
        .target(name: "CPowerCutVFS", dependencies: ["CSQLite"], path: "Tests/CPowerCutVFS"),
        // Test-only helpers shared by the test targets (temporary directories, the built tools
        // and how to run them, loopback listeners); only test targets depend on it.
        .target(name: "KioskTestSupport", path: "Tests/KioskTestSupport", swiftSettings: strict),
        .testTarget(name: "ESCPOSTests", dependencies: ["ESCPOS", "KioskDomain"], swiftSettings: strict),
        .testTarget(
            name: "KioskDevicesTests",
            dependencies: [
                "KioskDevices", "ESCPOS", "KioskDomain", "KioskSystem", "CKioskShim", "KioskStore", "KioskSQLite",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KioskServiceTests",
            dependencies: [
                "KioskService", "KioskConfig", "KioskStore", "KioskCentral", "KioskDevices", "ESCPOS",
                "KioskTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(name: "KioskProtocolTests", dependencies: ["KioskProtocol"], swiftSettings: strict),
        .testTarget(
            name: "KioskForwardingTests",
            dependencies: [
                "KioskForwarding", "KioskCentral", "KioskStore", "KioskProtocol", "KioskSystem", "KioskTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KioskCentralTests", dependencies: ["KioskCentral", "KioskProtocol", "KioskSystem"],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KioskStore", "KioskCentral", "KioskProtocol", "KioskSystem", "KioskSQLite", "KioskConfig",
                "KioskDevices",
                "ESCPOS", "KioskDomain", "KioskTestSupport",
            ],
            swiftSettings: strict),
    ]
)
