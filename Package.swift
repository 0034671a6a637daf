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
        // libcrypto (request signing) and libssl (TLS to the central server).
        .systemLibrary(name: "COpenSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        // The one C shim: what Glibc does not import (ioctl numbers, pty, thread names).
        .target(name: "CKioskShim", dependencies: ["CSQLite"]),

        // Domain: codes, dossiers, dates, scans. No Glibc, no I/O.
        .target(name: "KioskDomain", swiftSettings: strict),
        // Small Swift types over POSIX values: Errno, FileDescriptor, clocks.
        .target(name: "KioskSystem", dependencies: ["CKioskShim"], swiftSettings: strict),
        // kiosk.conf and procedures.conf: INI syntax, schema, errors with file:line:key.
        // Also where the installation's files are: the shipped data folder (printer profiles,
        // keymaps), the calibrated profile, the state directory's layout, the version.
        .target(
            name: "KioskConfig",
            dependencies: ["KioskDomain", "KioskSystem", "ESCPOS", "KioskDevices", "KioskProtocol"],
            swiftSettings: strict),
        // SQLite: Database, Statement, transactions, result codes.
        .target(name: "KioskSQLite", dependencies: ["CSQLite", "CKioskShim"], swiftSettings: strict),
        // The kiosk's durable store: dossiers, outbox, print jobs, central statuses.
        .target(
            name: "KioskStore", dependencies: ["KioskDomain", "KioskSQLite", "KioskSystem"], swiftSettings: strict),
        // central-protocol.md: wire types and request signing (HMAC-SHA256 via libcrypto).
        .target(name: "KioskProtocol", dependencies: ["COpenSSL", "KioskDomain"], swiftSettings: strict),
        // Forwarding to the central server: HTTP/1.1 over OpenSSL's TLS, batches, backoff, updates.
        .target(
            name: "KioskForwarding",
            dependencies: ["KioskProtocol", "KioskStore", "KioskDomain", "COpenSSL", "KioskSystem"],
            swiftSettings: strict),
        // ESC/POS: encoder, Vietnamese code pages and raster text, QR and CODE128, printer
        // profiles, and an interpreter that renders any byte stream to PNG and text.
        .target(name: "ESCPOS", swiftSettings: strict),
        // Devices: termios serial ports, the printer link (status, jobs), the evdev, serial and
        // HID-POS scanner readers, keymaps, hot-plug, discovery. No store, no emulators.
        .target(name: "KioskDevices", dependencies: ["CKioskShim", "KioskSystem"], swiftSettings: strict),
        // Every slip the kiosk prints (intake receipt, status, apology, refusal, hand-back,
        // technician status, test page, catalog sheet, reprint banner) as ESC/POS documents.
        .target(
            name: "KioskReceipts", dependencies: ["ESCPOS", "KioskDomain", "KioskConfig"], swiftSettings: strict),
        // The control socket's wire types (requests, JSON values) and its client.
        .target(
            name: "KioskControl", dependencies: ["KioskSystem", "KioskDomain", "KioskProtocol"], swiftSettings: strict),
        // Stand-ins for hardware: the emulated printer, pseudo-terminals, scanner keystrokes,
        // HID-POS reports. For tests, kiosk-bench and the demo; never in the service.
        .target(
            name: "KioskEmulators", dependencies: ["CKioskShim", "KioskSystem", "ESCPOS", "KioskDevices"],
            swiftSettings: strict),
        // The reference receiver of central-protocol.md.
        .target(
            name: "KioskCentral", dependencies: ["KioskProtocol", "KioskSQLite", "KioskSystem", "KioskDomain"],
            swiftSettings: strict),

        // The service: composition of store, forwarding, devices and flows (the one owner of
        // "print or refuse"), the print queue, health, the control server, signals.
        .target(
            name: "KioskService",
            dependencies: [
                "KioskConfig", "KioskStore", "KioskForwarding", "KioskSystem", "KioskDomain", "KioskProtocol", "ESCPOS",
                "KioskDevices", "KioskReceipts", "KioskControl",
            ],
            swiftSettings: strict),
        // `kioskd --demo`: the service on emulated hardware with a loopback kiosk-central.
        .target(
            name: "KioskDemo",
            dependencies: [
                "KioskService", "KioskCentral", "KioskEmulators", "KioskConfig", "KioskDomain", "KioskProtocol",
                "KioskSystem", "KioskDevices",
            ],
            swiftSettings: strict),
        .executableTarget(name: "kioskd", dependencies: ["KioskService", "KioskDemo"], swiftSettings: strict),
        // Never the service: kioskctl talks to kioskd through the socket or reads the database.
        .executableTarget(
            name: "kioskctl",
            dependencies: [
                "KioskControl", "KioskConfig", "KioskReceipts", "KioskDevices", "KioskStore", "KioskDomain",
                "KioskSystem", "KioskProtocol", "ESCPOS",
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "kiosk-central", dependencies: ["KioskCentral", "KioskDomain", "KioskProtocol", "KioskSystem"],
            swiftSettings: strict),
        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "KioskStore", "KioskForwarding", "KioskCentral", "KioskProtocol", "KioskDomain", "KioskSystem",
                "KioskSQLite",
                "ESCPOS", "KioskDevices", "KioskService", "KioskConfig", "KioskReceipts", "KioskEmulators",
            ],
            exclude: ["peers"],
            swiftSettings: strict),

        .testTarget(
            name: "KioskDomainTests", dependencies: ["KioskDomain", "KioskTestSupport"], swiftSettings: strict),
        .testTarget(name: "KioskSystemTests", dependencies: ["KioskSystem"], swiftSettings: strict),
        .testTarget(name: "KioskConfigTests", dependencies: ["KioskConfig"], swiftSettings: strict),
        .testTarget(
            name: "KioskSQLiteTests", dependencies: ["KioskSQLite", "KioskTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: [
                "KioskStore", "KioskSQLite", "CPowerCutVFS", "KioskTestSupport",
                "KioskSystem",
            ],
            swiftSettings: strict),
        // Test-only: an SQLite VFS that simulates power cuts (docs/durability.md). Only test
        // targets depend on it, so no product links code that loses writes on purpose.
        .target(name: "CPowerCutVFS", dependencies: ["CSQLite"], path: "Tests/CPowerCutVFS"),
        // Test-only: rigs several test targets share (an emulated printer with a link to it).
        .target(
            name: "KioskTestRigs", dependencies: ["KioskDevices", "KioskEmulators", "KioskStore", "ESCPOS"],
            path: "Tests/KioskTestRigs", swiftSettings: strict),
        // Test-only helpers (temporary directories, the built tools and how to run them, loopback
        // listeners) on KioskSystem alone (its ChildProcess), so that even the SQLite tests can
        // use them.
        .target(
            name: "KioskTestSupport", dependencies: ["KioskSystem"], path: "Tests/KioskTestSupport",
            swiftSettings: strict),
        .testTarget(name: "ESCPOSTests", dependencies: ["ESCPOS", "KioskTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KioskDevicesTests",
            dependencies: [
                "KioskDevices", "KioskEmulators", "KioskTestRigs", "ESCPOS", "KioskDomain", "KioskSystem", "CKioskShim",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KioskEmulatorsTests", dependencies: ["KioskEmulators", "KioskDevices"], swiftSettings: strict),
        .testTarget(name: "KioskDemoTests", dependencies: ["KioskDemo", "KioskConfig"], swiftSettings: strict),
        .testTarget(
            name: "KioskReceiptsTests", dependencies: ["KioskReceipts", "KioskConfig", "KioskDomain", "ESCPOS"],
            swiftSettings: strict),
        .testTarget(
            name: "KioskControlTests", dependencies: ["KioskControl", "KioskDomain"], swiftSettings: strict),
        .testTarget(
            name: "KioskServiceTests",
            dependencies: [
                "KioskService", "KioskControl", "KioskReceipts", "KioskConfig", "KioskStore", "KioskSQLite",
                "KioskDevices", "KioskTestRigs", "KioskDomain", "KioskSystem", "ESCPOS", "KioskEmulators",
                "KioskTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KioskProtocolTests", dependencies: ["KioskProtocol", "KioskTestSupport"], swiftSettings: strict),
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
                "KioskDevices", "KioskEmulators", "KioskReceipts", "ESCPOS", "KioskDomain", "KioskTestSupport",
            ],
            swiftSettings: strict),
    ]
)
