import ESCPOS
import KioskDevices
import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// A receipt printer emulated on a pseudo-terminal, for tests and `kioskd --demo`.
///
/// It publishes its tty at `devicePath` (a symlink the host opens like `/dev/kiosk-printer`),
/// reads every byte the host sends on a thread of its own, answers `DLE EOT n` at once from
/// its scriptable `EmulatedPrinterState` (as real printers do, even inside raster data),
/// drops print data while it cannot print, and records receipts split at cuts. With an
/// output directory it writes each receipt as `receipt-001.png` and `receipt-001.txt`.
public final class EmulatedPrinter: Sendable {
    private struct Shared {
        var state = EmulatedPrinterState()
        var receipts: [EmulatedReceipt] = []
        var bytesReceived = 0
        var bytesDropped = 0
        var cutsReceived = 0
        var outgoing: [UInt8] = []
        var vanishRequested = false
        var comeBackRequested = false
        var present = false
        var events: [EmulatedPrinterEvent] = []
        /// `GS a n`'s n since the line opened (0: ASB off).
        var automaticStatusItems: UInt8 = 0
        /// The last ASB message pushed (a change pushes a new one).
        var lastPushed: [UInt8]?
        /// Answers to `GS r n` held while `holdsProcessedAnswers`.
        var heldAnswers: [UInt8] = []
        var stopping = false
        var finished = false
    }

    /// The path the host opens (a symlink to the current pseudo-terminal).
    public let devicePath: String
    /// The profile receipts are interpreted with.
    public let profile: PrinterProfile
    /// Where receipts are written as PNG and text, if anywhere.
    public let outputDirectory: String?
    private let shared = Mutex(Shared())

    /// Starts the emulator and publishes its tty at `devicePath` (its folder must exist).
    public init(profile: PrinterProfile, devicePath: String, outputDirectory: String? = nil) throws(SystemError) {
        self.profile = profile
        self.devicePath = devicePath
        self.outputDirectory = outputDirectory
        // Opened here (a few calls that never wait) and handed to the emulator's thread: the
        // caller, often async code, never waits for that thread to start.
        let line: PseudoTerminal
        do {
            line = try openLine()
        } catch {
            throw SystemError(EIO, call: "emulated printer: \(error.description)")
        }
        let handover = LineHandover(line)
        NamedThread.start("emu-printer") { [self] in run(line: handover.take()) }
    }

    /// The current script.
    public var state: EmulatedPrinterState { shared.withLock { $0.state } }

    /// Replaces the script.
    public func setState(_ state: EmulatedPrinterState) { shared.withLock { $0.state = state } }

    /// Changes part of the script.
    public func update(_ body: (inout EmulatedPrinterState) -> Void) { shared.withLock { body(&$0.state) } }

    /// Receipts printed so far.
    public var receipts: [EmulatedReceipt] { shared.withLock { $0.receipts } }

    /// Bytes received from the host, printed or not.
    public var bytesReceived: Int { shared.withLock { $0.bytesReceived } }

    /// Print bytes lost while the printer could not print.
    public var bytesDropped: Int { shared.withLock { $0.bytesDropped } }

    /// Cut commands (`GS V`) received while printing: a whole receipt reached the printer.
    public var cutsReceived: Int { shared.withLock { $0.cutsReceived } }

    /// What it did on the wire so far, in order (cuts, status requests and answers, pushes).
    public var events: [EmulatedPrinterEvent] { shared.withLock { $0.events } }

    /// `DLE EOT n` requests received so far.
    public var realtimeRequestsReceived: Int {
        shared.withLock { $0.events.count { if case .realtimeRequest = $0 { true } else { false } } }
    }

    /// Whether its device path currently exists (false after `vanish()`).
    public var isPresent: Bool { shared.withLock { $0.present } }

    /// Sends bytes to the host unasked (Automatic Status Back, XON/XOFF, garbage).
    public func send(_ bytes: [UInt8]) { shared.withLock { $0.outgoing += bytes } }

    /// Waits until at least `count` receipts are recorded or `timeout` passes; returns them all.
    public func waitForReceipts(count: Int, timeout: Duration = .seconds(10)) async -> [EmulatedReceipt] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let receipts = self.receipts
            if receipts.count >= count || ContinuousClock.now >= deadline { return receipts }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Unplugs: closes the pseudo-terminal (the host sees EIO/hang-up) and removes the path.
    public func vanish() async {
        shared.withLock { $0.vanishRequested = true }
        while shared.withLock({ $0.vanishRequested && !$0.finished }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Plugs back in: a new pseudo-terminal published at the same path.
    public func comeBack() async {
        shared.withLock { $0.comeBackRequested = true }
        while shared.withLock({ $0.comeBackRequested && !$0.finished }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Stops the thread, closes the pseudo-terminal and removes the path.
    public func stop() async {
        shared.withLock { $0.stopping = true }
        while !shared.withLock({ $0.finished }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    // MARK: The emulator's thread

    private func run(line: PseudoTerminal?) {
        var pty = line
        var paper = EmulatedPaper(profile: profile)
        var realtime = RealtimeCommandScanner()
        var buffered = BufferedCommandScanner()
        while true {
            let control = shared.withLock { s in
                defer { s.outgoing = [] }
                var out = s.outgoing
                // Automatic Status Back: a changed condition is pushed at once.
                if s.automaticStatusItems != 0, s.state.automaticStatusBack, s.state.answersStatus, s.present {
                    let message = s.state.automaticStatus()
                    if message != s.lastPushed {
                        s.lastPushed = message
                        out += message
                        s.events.append(.pushedStatus(message))
                    }
                }
                // Done printing (and printing again after a fault): the held answers to `GS r`
                // go out, in order.
                if !s.state.holdsProcessedAnswers, s.state.prints, !s.heldAnswers.isEmpty {
                    out += s.heldAnswers
                    s.events += Array(repeating: .processedAnswer, count: s.heldAnswers.count)
                    s.heldAnswers = []
                }
                return (s.stopping, s.vanishRequested, s.comeBackRequested, s.state.readsInput, out)
            }
            if control.0 { break }
            if control.1 {
                unplug(&pty, &paper)
                shared.withLock { $0.vanishRequested = false }
                continue
            }
            if control.2 {
                if pty == nil { pty = try? openLine() }
                realtime = RealtimeCommandScanner()
                buffered = BufferedCommandScanner()
                shared.withLock { $0.comeBackRequested = false }
                continue
            }
            guard let line = pty else {
                sleepOnThread(nanoseconds: 5_000_000)
                continue
            }
            line.writeMaster(control.4)
            guard control.3 else {
                sleepOnThread(nanoseconds: 5_000_000)
                continue
            }
            let chunk = (try? line.readMaster(upTo: 4096, timeoutMilliseconds: 10)) ?? []
            if chunk.isEmpty {
                record(paper.idle())
                continue
            }
            if consume(chunk, line, &paper, &realtime, &buffered) { unplug(&pty, &paper) }
        }
        if pty != nil { unplug(&pty, &paper) }
        shared.withLock { $0.finished = true }
    }

    private func openLine() throws(SystemError) -> PseudoTerminal {
        let pty = try PseudoTerminal()
        try pty.publish(at: devicePath)
        shared.withLock { $0.present = true }
        return pty
    }

    private func unplug(_ pty: inout PseudoTerminal?, _ paper: inout EmulatedPaper) {
        PseudoTerminal.unpublish(devicePath)
        pty?.close()
        pty = nil
        shared.withLock {
            $0.present = false
            // Unplugged is powered off: ASB is off again, held answers are lost.
            $0.automaticStatusItems = 0
            $0.lastPushed = nil
            $0.heldAnswers = []
        }
        record(paper.tear())
    }

    /// Handles received bytes; returns true when the script says to vanish now.
    private func consume(
        _ chunk: [UInt8], _ line: PseudoTerminal, _ paper: inout EmulatedPaper,
        _ realtime: inout RealtimeCommandScanner, _ buffered: inout BufferedCommandScanner
    ) -> Bool {
        for byte in chunk {
            let (state, vanish) = shared.withLock { s -> (EmulatedPrinterState, Bool) in
                s.bytesReceived += 1
                if let n = s.state.vanishAfterBytes {
                    s.state.vanishAfterBytes = n > 1 ? n - 1 : nil
                    if n <= 1 { return (s.state, true) }
                }
                if s.state.prints {
                    if let n = s.state.paperOutAfterBytes {
                        s.state.paperOutAfterBytes = n > 1 ? n - 1 : nil
                        if n <= 1 { s.state.paperOut = true }
                    }
                } else {
                    s.bytesDropped += 1
                }
                return (s.state, false)
            }
            if vanish { return true }
            let request = realtime.feed(byte)
            if let request { shared.withLock { $0.events.append(.realtimeRequest(request)) } }
            if let n = request, state.answersStatus, let answer = state.answer(to: n) {
                let noise = shared.withLock { s in
                    defer { s.state.noiseBeforeNextAnswer = [] }
                    return s.state.noiseBeforeNextAnswer
                }
                line.writeMaster(noise + [answer])
            }
            // Buffered commands are processed in order, after what came before them: here at
            // once, as nothing is buffered. Print data is lost while the printer cannot print
            // (the receipt is torn), but a `GS r` it received then is answered once it prints
            // again, as a real printer does when it gets to it in its buffer.
            if state.prints { paper.receive(byte) }
            switch buffered.feed(byte) {
            case .cut:
                if state.prints {
                    shared.withLock {
                        $0.cutsReceived += 1
                        $0.events.append(.cut)
                    }
                }
            case .statusRequest(let n):
                if state.answersStatus, state.answersBufferedStatus {
                    let answer = state.processedAnswer(to: n)
                    let held = shared.withLock { s in
                        // Answers keep their order: one held makes later ones wait too.
                        if s.state.holdsProcessedAnswers || !s.state.prints || !s.heldAnswers.isEmpty {
                            s.heldAnswers.append(answer)
                            return true
                        }
                        s.events.append(.processedAnswer)
                        return false
                    }
                    if !held { line.writeMaster([answer]) }
                }
            case .automaticStatus(let n):
                if state.prints {
                    shared.withLock { s in
                        s.automaticStatusItems = n
                        // Enabling sends the current status at once (the next turn pushes it).
                        s.lastPushed = nil
                    }
                }
            case nil: break
            }
            if !state.prints {
                // Printing stopped: what is on the paper so far is torn off as it is.
                record(paper.tear())
            }
        }
        return false
    }

    private func record(_ receipts: [EmulatedReceipt]) {
        guard !receipts.isEmpty else { return }
        let first = shared.withLock { s in
            defer { s.receipts += receipts }
            return s.receipts.count
        }
        guard let outputDirectory else { return }
        for (k, receipt) in receipts.enumerated() {
            let base = outputDirectory + "/" + "receipt-" + threeDigits(first + k + 1)
            _ = FileManager.default.createFile(atPath: base + ".png", contents: Data(receipt.rendered.png(scale: 1)))
            _ = FileManager.default.createFile(atPath: base + ".txt", contents: Data(receipt.rendered.transcript.utf8))
        }
    }
}

/// Finds the buffered commands the emulator acts on — `GS V` (cut), `GS r n` (transmit
/// status) and `GS a n` (Automatic Status Back) — in a byte stream, across reads. Approximate (it does not parse the commands'
/// parameters), which is enough for the kiosk's own receipts.
struct BufferedCommandScanner {
    /// What a byte completed.
    enum Command: Equatable {
        case cut
        case statusRequest(UInt8)
        case automaticStatus(UInt8)
    }

    private var stage = 0

    /// Feeds a byte; returns the command it completes.
    mutating func feed(_ byte: UInt8) -> Command? {
        switch stage {
        case 1 where byte == 0x56:
            stage = 0
            return .cut
        case 1 where byte == 0x72:
            stage = 2
        case 1 where byte == 0x61:
            stage = 3
        case 2:
            stage = 0
            return .statusRequest(byte)
        case 3:
            stage = 0
            return .automaticStatus(byte)
        default:
            stage = byte == 0x1D ? 1 : 0
        }
        return nil
    }
}

/// Finds `DLE EOT n` in a byte stream, across reads, wherever it appears.
struct RealtimeCommandScanner {
    private var stage = 0

    /// Feeds a byte; returns n when it completes `10 04 n`.
    mutating func feed(_ byte: UInt8) -> UInt8? {
        switch stage {
        case 2:
            stage = byte == 0x10 ? 1 : 0
            return byte
        case 1 where byte == 0x04:
            stage = 2
        default:
            stage = byte == 0x10 ? 1 : 0
        }
        return nil
    }
}

/// The pseudo-terminal `init` opened, on its way to the emulator's thread.
///
/// `@unchecked Sendable`: written once before the thread starts, taken once by that thread
/// (the thread start orders the two); nobody else touches it.
private final class LineHandover: @unchecked Sendable {
    private var line: PseudoTerminal?
    init(_ line: PseudoTerminal) { self.line = line }

    func take() -> PseudoTerminal? {
        defer { line = nil }
        return line
    }
}

/// `n` with at least three digits, zero-padded (`String(format: "%03d", n)` without Foundation).
private func threeDigits(_ n: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
