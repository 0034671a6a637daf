import KioskSystem

/// `kioskd --demo`: the whole kiosk on one machine with no setup.
enum DemoKiosk {
    static func run() async -> Int32 {
        FileHandleOutput.standardError("kioskd --demo: not built yet\n")
        return 1
    }
}
