/// What one scan turned out to be, once parsed and validated by `ScanParser`.
public enum Scan: Sendable, Equatable, CustomStringConvertible {
    /// The QR code of a chip ID card.
    case idCard(CitizenIDCard)
    /// A national procedure code from the catalog sheet, e.g. `1.001234`.
    case procedureCode(String)
    /// A tracking code from one of this kiosk's receipts.
    case trackingCode(TrackingCode)
    /// The S10 label of a postal item.
    case postalItem(S10Code)
    /// A `KIOSK:` control code from the catalog sheet.
    case control(ControlCode)

    /// The kind of scan, for log lines: `id-card`, `procedure-code`, `tracking-code`,
    /// `postal-item`, `control`.
    public var kind: String {
        switch self {
        case .idCard: "id-card"
        case .procedureCode: "procedure-code"
        case .trackingCode: "tracking-code"
        case .postalItem: "postal-item"
        case .control: "control"
        }
    }

    /// Safe for a log line: an ID card shows only its masked number.
    public var description: String {
        switch self {
        case .idCard(let card): "id-card \(card.applicant.maskedIdNumber)"
        case .procedureCode(let code): "procedure-code \(code)"
        case .trackingCode(let code): "tracking-code \(code)"
        case .postalItem(let item): "postal-item \(item)"
        case .control(let control): "control \(control.rawValue)"
        }
    }
}

/// A control code printed on the catalog sheet.
public enum ControlCode: String, Sendable, CaseIterable {
    /// `KIOSK:CANCEL`: drop the session in progress.
    case cancel = "KIOSK:CANCEL"
    /// `KIOSK:CLERK`: switch to counter (clerk) mode.
    case clerk = "KIOSK:CLERK"
    /// `KIOSK:TEST-PAGE`: print a test page (technicians, when enabled).
    case testPage = "KIOSK:TEST-PAGE"
    /// `KIOSK:STATUS`: print a status slip (technicians, when enabled).
    case status = "KIOSK:STATUS"
    /// `KIOSK:CALIBRATE`: print the printer calibration sheet and take the technician's
    /// answers from the scanner (technicians, when enabled).
    case calibrate = "KIOSK:CALIBRATE"
}

/// Why a scan was refused. Reasons are in English, for the log and the control socket, and
/// never repeat the scanned data (it may be personal).
public enum ScanRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing but spaces (or only a symbology identifier).
    case empty
    /// Longer than `ScanParser.maximumLength` characters; carries the length.
    case tooLong(Int)
    /// Looked like an ID card QR (has `|`) but is not a valid one.
    case idCard(CitizenIDCard.Problem)
    /// Looked like a tracking code (`A-B-C-D`) but is not a valid one.
    case trackingCode(TrackingCode.Problem)
    /// Looked like an S10 postal label but the check digit is wrong.
    case postalItem(S10Code.Problem)
    /// Starts with `KIOSK:` but is none of the known control codes.
    case unknownControlCode
    /// Matches none of the kinds of scan.
    case unrecognised

    /// A reason a person can read.
    public var description: String {
        switch self {
        case .empty: "scan is empty"
        case .tooLong(let n): "scan is \(n) characters long; the limit is \(ScanParser.maximumLength)"
        case .idCard(let problem): problem.description
        case .trackingCode(let problem): problem.description
        case .postalItem(let problem): problem.description
        case .unknownControlCode: "unknown KIOSK: control code"
        case .unrecognised:
            "scan is not an ID card, procedure code, tracking code, postal item id or control code"
        }
    }
}
