import Foundation
import KioskDevices
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kioskd against a datagram socket standing in for systemd.
@Suite(.serialized) struct SystemdNotifyTests {
    @Test(arguments: [false, true])
    func readyStatusWatchdogAndStopping(abstract: Bool) async throws {
        let kiosk = try KioskdProcess()
        let systemd = try NotifyListener(directory: kiosk.directory.path, abstract: abstract)
        defer { systemd.stop() }
        try kiosk.start(environment: ["NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "400000"])
        #expect(await systemd.wait(for: "READY=1"))
        #expect(await systemd.wait(for: "STATUS=printer ok"))
        // Watchdog at half of WATCHDOG_USEC: the pings keep coming (waited for, not slept on).
        #expect(await systemd.waitForCount(of: "WATCHDOG=1", atLeast: 4))

        // The emulated printer runs out of paper: the status line says so.
        kiosk.printer.update { $0.paperOut = true }
        #expect(await systemd.wait(for: "STATUS=printer paper-out"))

        kiosk.signal(SIGTERM)
        #expect(await systemd.wait(for: "STOPPING=1"))
        #expect(await kiosk.waitForExit(timeout: .seconds(5)) == 0)
        await kiosk.stop()
    }

    @Test func watchdogStopsWhileTheMainLoopIsBlocked() async throws {
        let kiosk = try KioskdProcess()
        let systemd = try NotifyListener(directory: kiosk.directory.path, abstract: false)
        defer { systemd.stop() }
        try kiosk.start(environment: [
            "NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "400000", "KIOSKD_TEST_HOOKS": "1",
        ])
        #expect(await systemd.wait(for: "READY=1"))
        #expect(await systemd.wait(for: "WATCHDOG=1"))
        kiosk.signal(SIGUSR2)
        #expect(await kiosk.waitForLog("main loop frozen"))
        // An observation window, not a synchronisation: a ping already on its way when the
        // loop froze may land in the first half second; none may come in the next three.
        try await Task.sleep(for: .milliseconds(500))
        let frozenAt = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        let during = systemd.times(of: "WATCHDOG=1").filter { $0 > frozenAt }
        #expect(during.isEmpty, "watchdog pings while the main loop is blocked: \(during.count)")
        // And they resume once it is free again.
        let deadline = ContinuousClock.now + .seconds(60)
        while !systemd.times(of: "WATCHDOG=1").contains(where: { $0 > frozenAt + .seconds(5) }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(systemd.times(of: "WATCHDOG=1").contains { $0 > frozenAt + .seconds(5) })
        await kiosk.stop()
    }
}
