/// The conversation at the kiosk, one scan at a time: intake (ID card → procedure), lookup
/// (a tracking code alone), counter mode for clerks (tracking code → S10 label or the
/// applicant's ID card), cancel, technician codes, and the 120 s idle timeout.
///
/// Pure: it decides what should happen; the service does it (writes the dossier, prints)
/// and never half-does it. Every refusal is a typed ``SessionRefusal``.
public struct KioskSession: Sendable, Equatable {
    /// Where the conversation stands.
    public enum State: Sendable, Equatable {
        /// Waiting for a citizen.
        case idle
        /// An ID card was read; waiting for the procedure code.
        case awaitingProcedure(CitizenIDCard)
        /// Counter mode, waiting for a tracking code.
        case clerkIdle
        /// Counter mode: a tracking code was read; waiting for an S10 label or an ID card.
        case clerkAwaitingItem(TrackingCode)
    }

    /// What the service should do next.
    public enum Outcome: Sendable, Equatable {
        /// An ID card was accepted; ask for the procedure.
        case awaitingProcedure
        /// Take the dossier in: one transaction, then print the receipt.
        case intake(CitizenIDCard, procedureCode: String)
        /// Print the status slip of this dossier.
        case lookup(TrackingCode)
        /// Counter mode switched on or off.
        case clerkMode(on: Bool)
        /// Counter mode: a dossier was chosen; waiting for its S10 label or ID card.
        case awaitingItem(TrackingCode)
        /// Attach the envelope's S10 label to the dossier.
        case attachPostalItem(TrackingCode, S10Code)
        /// Hand the result back, once the ID card matches the dossier's applicant.
        case handBack(TrackingCode, CitizenIDCard)
        /// The session was dropped by `KIOSK:CANCEL`.
        case cancelled
        /// The session was dropped after being idle too long.
        case timedOut
        /// A technician code: print a test page, a status slip or the calibration sheet.
        case technician(ControlCode)
        /// Refused, with the reason; the state is as the refusal says (usually unchanged).
        case refused(SessionRefusal)
    }

    /// How long a session may sit idle before it is dropped.
    public static let idleTimeoutSeconds: Int64 = 120

    /// The current state.
    public private(set) var state: State = .idle
    /// When the last scan was handled.
    public private(set) var lastActivity: Timestamp?
    /// Whether `KIOSK:TEST-PAGE` and `KIOSK:STATUS` are accepted.
    public var technicianCodesEnabled: Bool

    /// A new session in the idle state.
    public init(technicianCodesEnabled: Bool = false) {
        self.technicianCodesEnabled = technicianCodesEnabled
    }

    /// Drops a session idle for longer than the timeout; returns `.timedOut` when it did.
    public mutating func expire(now: Timestamp) -> Outcome? {
        guard state != .idle, let last = lastActivity,
            now.unixSeconds - last.unixSeconds >= Self.idleTimeoutSeconds
        else { return nil }
        state = .idle
        return .timedOut
    }

    /// Handles one parsed scan (or its rejection) at `now`.
    ///
    /// - Parameters:
    ///   - knowsProcedure: whether a procedure code is in the kiosk's catalog.
    ///   - printerProblem: why the printer cannot print right now, or nil when it can.
    public mutating func handle(
        _ input: Result<Scan, ScanRejection>, now: Timestamp, knowsProcedure: (String) -> Bool,
        printerProblem: String?
    ) -> Outcome {
        _ = expire(now: now)
        lastActivity = now
        let scan: Scan
        switch input {
        case .failure(let rejection): return .refused(.invalidScan(rejection))
        case .success(let parsed): scan = parsed
        }
        if case .control(let control) = scan { return handle(control) }

        switch (state, scan) {
        case (.idle, .idCard(let card)), (.awaitingProcedure, .idCard(let card)):
            // A second card replaces the first: the citizen may have scanned the wrong one.
            state = .awaitingProcedure(card)
            return .awaitingProcedure
        case (.idle, .procedureCode):
            return .refused(.idCardFirst)
        case (.idle, .trackingCode(let code)):
            return .lookup(code)
        case (.idle, .postalItem):
            return .refused(.clerkOnly(kind: scan.kind))
        case (.awaitingProcedure(let card), .procedureCode(let code)):
            guard knowsProcedure(code) else { return .refused(.unknownProcedure(code: code)) }
            state = .idle
            if let printerProblem { return .refused(.printerUnavailable(reason: printerProblem)) }
            return .intake(card, procedureCode: code)
        case (.awaitingProcedure, _):
            return .refused(.procedureExpected(got: scan.kind))
        case (.clerkIdle, .trackingCode(let code)), (.clerkAwaitingItem, .trackingCode(let code)):
            state = .clerkAwaitingItem(code)
            return .awaitingItem(code)
        case (.clerkAwaitingItem(let code), .postalItem(let item)):
            state = .clerkIdle
            return .attachPostalItem(code, item)
        case (.clerkAwaitingItem(let code), .idCard(let card)):
            state = .clerkIdle
            return .handBack(code, card)
        case (.clerkAwaitingItem, _):
            return .refused(.postalItemOrIdCardExpected(got: scan.kind))
        case (.clerkIdle, _):
            return .refused(.notInClerkMode(kind: scan.kind))
        default:
            return .refused(.invalidScan(.unrecognised))
        }
    }

    private mutating func handle(_ control: ControlCode) -> Outcome {
        switch control {
        case .cancel:
            let wasClerk = isClerkMode
            state = .idle
            return wasClerk ? .clerkMode(on: false) : .cancelled
        case .clerk:
            if isClerkMode {
                state = .idle
                return .clerkMode(on: false)
            }
            state = .clerkIdle
            return .clerkMode(on: true)
        case .testPage, .status, .calibrate:
            guard technicianCodesEnabled else { return .refused(.technicianCodesDisabled) }
            return .technician(control)
        }
    }

    /// Whether the kiosk is in counter (clerk) mode.
    public var isClerkMode: Bool {
        switch state {
        case .clerkIdle, .clerkAwaitingItem: true
        case .idle, .awaitingProcedure: false
        }
    }
}
