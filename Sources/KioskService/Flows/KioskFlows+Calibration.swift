import ESCPOS
import KioskConfig
import KioskDomain
import KioskStore

/// `KIOSK:CALIBRATE` at the running kiosk (docs/calibrate.md): the flows print the same sheet
/// as `kioskctl calibrate`, take the technician's answers from the kiosk's own scanner, write
/// the local profile where `kioskctl calibrate` writes it (`STATE/printer.local.conf`), switch
/// to it without a restart and print the confirmation with it. Every print goes through
/// `printNow` (KioskFlows+Printing), the flows' one print-or-refuse decision.
extension KioskFlows {
    /// The sheet for this printer: `Profile=`'s profile as the base (a calibrated profile is
    /// calibrated again from scratch), every candidate the shipped profiles know.
    func calibrationSheet() -> (base: PrinterProfile, bytes: [UInt8], candidates: Int) {
        let base = (try? HardwareData.printerProfile(named: setup.configuration.printer.profile)) ?? profile
        let candidates =
            HardwareData.directory("printers").map { CalibrationCandidate.all(inDirectory: $0) }
            ?? CalibrationCandidate.all(knownFrom: [base])
        return (base, PrinterCalibration.sheet(base: base, candidates: candidates), candidates.count)
    }

    /// `KIOSK:CALIBRATE`: the sheet through the flows' print decision (`printNow`); the
    /// calibration starts only when the sheet is printing.
    func printCalibrationSheet() async -> Result {
        let sheet = calibrationSheet()
        switch await printNow(PrintJobDraft(kind: "calibration-sheet", payload: sheet.bytes), dossierCode: nil) {
        case .printing(let job):
            calibration = CalibrationSession(base: sheet.base, startedAt: now())
            logger.log(.notice, "printer calibration started", [("candidates", "\(sheet.candidates)")])
            return Result(outcome: .technician(.calibrate), printJobId: job, calibration: "sheet printed")
        case .refused(let refusal):
            logger.log(.error, "technician page not printed", [("page", "KIOSK:CALIBRATE"), ("reason", "\(refusal)")])
            return Result(outcome: .refused(refusal))
        }
    }

    /// Where the running service learns that the profile changed (it reloads).
    func attachProfileCalibrated(_ reload: @escaping @Sendable () -> Void) {
        profileCalibrated = reload
    }

    /// A scan while a calibration is under way: an answer, `KIOSK:CANCEL`, or a refusal that
    /// says a sheet's barcode is expected. nil for `KIOSK:CALIBRATE`, which starts over (a
    /// new sheet) through the usual technician path.
    func continueCalibration(scan text: String, parsed: Swift.Result<Scan, ScanRejection>) async -> Result? {
        guard var session = calibration else { return nil }
        switch parsed {
        case .success(.control(.calibrate)):
            return nil
        case .success(.control(.cancel)):
            calibration = nil
            logger.log(.notice, "printer calibration cancelled", [("missing", session.missing.joined(separator: "; "))])
            return Result(outcome: .cancelled, calibration: "cancelled")
        default:
            break
        }
        let step = session.handle(scan: text, now: now())
        calibration = session
        switch step {
        case .notAnAnswer:
            // The scanned text is never logged (it may be an ID card); its kind is.
            let kind =
                switch parsed {
                case .success(let scan): scan.kind
                case .failure: "unreadable"
                }
            logger.log(.notice, "scan refused", [("scan", kind), ("refused", "calibration-answer-expected")])
            return Result(outcome: .refused(.calibrationAnswerExpected(got: kind)), calibration: "waiting")
        case .answered(let answer, let missing):
            logger.log(
                .info, "printer calibration answer",
                [("answer", Self.code(of: answer)), ("missing", missing.joined(separator: "; "))])
            return Result(outcome: .technician(.calibrate), calibration: "answer \(Self.code(of: answer))")
        case .complete(let calibrated, let candidate):
            calibration = nil
            return await finishCalibration(calibrated, text: candidate, base: session.base)
        }
    }

    /// Drops a calibration nobody answered for `CalibrationSession.timeoutSeconds`; true when it did.
    func expireCalibration() -> Bool {
        guard let session = calibration, session.hasExpired(now: now()) else { return false }
        calibration = nil
        logger.log(.notice, "printer calibration timed out", [("missing", session.missing.joined(separator: "; "))])
        events?.publish(.handled(Result(outcome: .timedOut, calibration: "timed out")))
        return true
    }

    /// Writes the local profile, prints with it from now on, prints the confirmation with it
    /// and has the service reload (the print queue and the next kiosk take it from the file).
    private func finishCalibration(_ calibrated: PrinterProfile, text: CalibrationCandidate, base: PrinterProfile)
        async -> Result
    {
        let stateDirectory = setup.configuration.kiosk.stateDirectory
        let file = CalibratedProfile.path(stateDirectory: stateDirectory)
        let conf = calibrated.confText(comment: [
            "Written by kioskd (technician code KIOSK:CALIBRATE) from the calibration sheet, calibrated on this printer.",
            "Base profile: \(base.name). Vietnamese: \(text). Cut: \(calibrated.cutter.rawValue). "
                + "Buzzer: \(calibrated.hasBuzzer ? "yes" : "no").",
            "kioskd prints with this file instead of [Printer] Profile= while it is in the state directory;",
            "delete it to go back to Profile=, or calibrate again (KIOSK:CALIBRATE or kioskctl calibrate).",
        ])
        do {
            try CalibratedProfile.write(conf, stateDirectory: stateDirectory)
        } catch {
            logger.log(.error, "printer calibration not saved", [("path", file), ("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), calibration: "not saved")
        }
        // The profile is read back from the file, as kioskd reads it at start and on reload.
        profile =
            (try? CalibratedProfile.load(configured: base.name, stateDirectory: stateDirectory).profile) ?? calibrated
        logger.log(
            .notice, "printer calibrated",
            [
                ("file", file), ("vietnamese", text.code), ("cut", calibrated.cutter.rawValue),
                ("buzzer", calibrated.hasBuzzer ? "yes" : "no"),
            ])
        let confirmation = PrinterCalibration.confirmation(profile, text: text, file: file)
        var printed: Int64?
        switch await printNow(PrintJobDraft(kind: "calibration-confirmation", payload: confirmation), dossierCode: nil)
        {
        case .printing(let job): printed = job
        case .refused(let refusal):
            // The profile is written and in use either way; only the slip is missing.
            logger.log(.warning, "calibration confirmation not printed", [("reason", "\(refusal)")])
        }
        profileCalibrated?()
        return Result(outcome: .technician(.calibrate), printJobId: printed, calibration: "complete")
    }

    private static func code(of answer: PrinterCalibration.Answer) -> String {
        switch answer {
        case .text(let candidate): candidate.code
        case .cut(let cutter): "CAL:CUT:\(cutter.rawValue)"
        case .buzzer(let sounded): sounded ? "CAL:BUZ:yes" : "CAL:BUZ:no"
        }
    }
}
