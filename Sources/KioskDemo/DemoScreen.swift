import KioskCentral
import KioskDomain
import KioskEmulators
import KioskService
import KioskSystem

/// What the demo shows after each scan: what the kiosk did, in English and in the
/// Vietnamese a citizen would read, and where each receipt was written.
enum DemoScreen {
    static func show(events: ServiceEvents, printer: EmulatedPrinter, central: CentralServer, kioskId: String) async {
        let out = FileHandleOutput.standardOutput
        let watcher = Task {
            var seen = 0
            while !Task.isCancelled {
                let count = printer.receipts.count
                if count > seen {
                    for index in seen..<count {
                        let name =
                            "receipt-" + String(repeating: "0", count: max(0, 3 - String(index + 1).count))
                            + String(index + 1)
                        out("  🧾 printed: \(printer.outputDirectory ?? ".")/\(name).png (and .txt)\n")
                    }
                    seen = count
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        for await event in events.subscribe() {
            switch event {
            case .handled(let result):
                out("  → " + describe(result) + "\n")
            case .printer(let state):
                out("  printer: \(state)\n")
            case .scanner:
                break
            }
        }
        watcher.cancel()
    }

    static func describe(_ result: KioskFlows.Result) -> String {
        switch result.outcome {
        case .awaitingProcedure: "ID card read. Now scan a procedure code."
        case .intake: "Dossier \(result.code ?? "") taken in; receipt printing; event queued for the central server."
        case .lookup: "Status slip for \(result.code ?? "") printing."
        case .clerkMode(let on): on ? "Counter mode on." : "Counter mode off."
        case .awaitingItem(let code): "Dossier \(code) chosen: scan its S10 label or the applicant's ID card."
        case .attachPostalItem(_, let item): "S10 \(item) attached to \(result.code ?? "")."
        case .handBack: "Result of \(result.code ?? "") handed back; slip printing."
        case .cancelled: "Cancelled."
        case .timedOut: "Session dropped after 120 s idle."
        case .technician(let control): "Technician code \(control.rawValue)."
        case .refused(let refusal): "Refused: \(refusal) — “\(refusal.vietnamese)”"
        }
    }
}
