import CPowerCutVFS
import Foundation
import KioskSQLite

/// The test-only power-cut VFS (Tests/CPowerCutVFS) registered under a name of its own, so
/// tests running in parallel never share one.
///
/// `@unchecked Sendable`: the C state is touched by one store connection at a time (the
/// store's actor while it runs, the test between runs), never concurrently.
final class PowerCutDisk: @unchecked Sendable {
    /// How much of the writes since the last sync reaches the disk.
    enum Mode: CaseIterable, CustomStringConvertible {
        case loseAll, keepAll, keepPrefix, keepSubset, torn

        var c: kiosk_powercut_mode {
            switch self {
            case .loseAll: KIOSK_POWERCUT_LOSE_ALL
            case .keepAll: KIOSK_POWERCUT_KEEP_ALL
            case .keepPrefix: KIOSK_POWERCUT_KEEP_PREFIX
            case .keepSubset: KIOSK_POWERCUT_KEEP_SUBSET
            case .torn: KIOSK_POWERCUT_TORN
            }
        }

        var description: String {
            switch self {
            case .loseAll: "lose-all"
            case .keepAll: "keep-all"
            case .keepPrefix: "keep-prefix"
            case .keepSubset: "keep-subset"
            case .torn: "torn"
            }
        }
    }

    let name: String
    private let vfs: OpaquePointer

    init() throws {
        name = "powercut-" + UUID().uuidString.prefix(8).lowercased()
        // Registering initialises SQLite: the process settings must come first.
        _ = ProcessSettings.applied
        guard let vfs = kiosk_powercut_register(name) else {
            throw PowerCutError("could not register the power-cut VFS \(name)")
        }
        self.vfs = vfs
    }

    deinit { kiosk_powercut_unregister(vfs) }

    /// Cuts the power before the `operations`-th write, truncate or sync from now.
    func arm(afterOperations operations: Int64, mode: Mode, seed: UInt64) {
        kiosk_powercut_arm(vfs, operations, mode.c, seed)
    }

    /// Cuts the power now.
    func cutNow(mode: Mode, seed: UInt64) { kiosk_powercut_cut_now(vfs, mode.c, seed) }

    /// Whether the power was cut since the last `restore()`.
    var hasCut: Bool { kiosk_powercut_has_cut(vfs) != 0 }

    /// Writes, truncates and syncs since the last `restore()`.
    var operations: Int64 { kiosk_powercut_operations(vfs) }

    /// Unsynced operations the last cut found, and how many of them it let reach the disk.
    var lastCut: (pending: Int64, applied: Int64) {
        (kiosk_powercut_last_cut_pending(vfs), kiosk_powercut_last_cut_applied(vfs))
    }

    /// Writes to main database files since the VFS was registered: in WAL mode only a
    /// checkpoint writes there.
    var mainDatabaseWrites: Int64 { kiosk_powercut_main_database_writes(vfs) }

    /// Power back: writes work again and the count restarts.
    func restore() { kiosk_powercut_restore(vfs) }
}

struct PowerCutError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
