import ESCPOS
import KioskDomain

/// The slip `KIOSK:STATUS` prints. Labels in English (technicians' words, plain ASCII so every
/// printer prints them as text); values as the control socket's `status` reports them.
package struct TechnicianStatusSlip {
    var status: TechnicianStatus
    var printedAt: Timestamp

    /// The slip for `status` printed at `printedAt`.
    package init(status: TechnicianStatus, printedAt: Timestamp) {
        self.status = status
        self.printedAt = printedAt
    }

    package func document(columns: Int) -> ReceiptDocument {
        let s = status
        var doc = ReceiptDocument()
        doc.text("KIOSK STATUS", TextStyle(bold: true, alignment: .center))
        doc.text(s.kioskId, TextStyle(bold: true, alignment: .center))
        doc.elements.append(.feed(1))
        func line(_ label: String, _ value: String) { doc.text(ReceiptText.field(label, value, columns: columns)) }
        line("Version", s.version)
        line("Printer", "\(s.printerState) (\(s.printerProfile))")
        line("Printer device", s.printerDevice)
        if let detail = s.printerDetail { line("Printer detail", detail) }
        line("Scanner", "\(s.scannerState) (\(s.scannerDevice))")
        line("Backlog", "\(s.backlog) event\(s.backlog == 1 ? "" : "s")")
        if let oldest = s.oldestPendingAt { line("Oldest pending", oldest.description) }
        line("Dead letters", "\(s.deadLetters)")
        line("Central", s.centralURL ?? "off (no [Central] URL=)")
        line("Forwarding", s.forwarding)
        line("Last delivery", s.lastDeliveryAt?.description ?? "never")
        if let error = s.lastError { line("Last error", error) }
        line("Host", s.hostName)
        line("Network", s.addresses.isEmpty ? "no address" : s.addresses.joined(separator: ", "))
        doc.elements.append(.feed(1))
        doc.text("Printed " + printedAt.description, TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}
