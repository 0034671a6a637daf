import Testing

@testable import KioskDevices

/// The grab policy alone: attempts and their results in, retries and drop decisions out.
/// (On a real evdev node the VM test `.ci/realkernel` checks the same through the kernel.)
@Suite("scanner grab")
struct ScannerGrabTests {
    let ms: UInt64 = 1_000_000

    @Test("a failed grab is not taken as held: retried every 250 ms until it is, scans meanwhile dropped")
    func failedGrabIsRetried() {
        var grab = ScannerGrab(wanted: true)
        #expect(grab.isDue(now: 0, atReport: false))
        // Another process holds it (EBUSY): the first failure is the one to log.
        let firstFailureLogged = grab.record(.failed("EBUSY"), now: 1_000 * ms, scanInProgress: false)
        #expect(firstFailureLogged)
        #expect(grab.isPending)
        #expect(grab.retryAt == 1_000 * ms + ScannerGrab.retryInterval)
        #expect(!grab.isDue(now: 1_100 * ms, atReport: false))
        #expect(grab.isDue(now: 1_250 * ms, atReport: false))
        let whileFailing = grab.dropReasonForEndedScan()
        #expect(whileFailing == .notGrabbed)
        // Failing again is not logged again, and it is still wanted.
        let secondFailureLogged = grab.record(.failed("EBUSY"), now: 1_250 * ms, scanInProgress: false)
        #expect(!secondFailureLogged)
        #expect(grab.isPending && grab.failures == 2)
        // The other holder let go: held; scans from now on are delivered.
        let heldLogged = grab.record(.held, now: 1_500 * ms, scanInProgress: false)
        #expect(!heldLogged)
        #expect(!grab.isPending)
        #expect(!grab.isDue(now: 9_000 * ms, atReport: true))
        let afterHeld = grab.dropReasonForEndedScan()
        #expect(afterHeld == nil)
    }

    @Test("the scan in progress when the grab is taken is dropped (its start reached the console); the next is not")
    func scanInProgressAtGrab() {
        var grab = ScannerGrab(wanted: true)
        _ = grab.record(.failed("EBUSY"), now: 0, scanInProgress: false)
        _ = grab.record(.held, now: 250 * ms, scanInProgress: true)
        let inProgress = grab.dropReasonForEndedScan()
        #expect(inProgress == .notGrabbed)
        let next = grab.dropReasonForEndedScan()
        #expect(next == nil)
    }

    @Test("a key held postpones the attempt to the next SYN_REPORT or 250 ms; nothing is logged")
    func keyHeld() {
        var grab = ScannerGrab(wanted: true)
        let keyHeldLogged = grab.record(.keyHeld, now: 0, scanInProgress: true)
        #expect(!keyHeldLogged)
        #expect(grab.isPending && grab.failures == 0)
        #expect(grab.isDue(now: 1, atReport: true))
    }

    @Test("not wanted (Grab=no, or not an evdev node): never attempted, every scan delivered")
    func notWanted() {
        var grab = ScannerGrab(wanted: false)
        #expect(!grab.isDue(now: 0, atReport: true))
        let ungrabbed = grab.dropReasonForEndedScan()
        #expect(ungrabbed == nil)
    }
}
