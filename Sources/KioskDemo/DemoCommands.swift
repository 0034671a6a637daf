import KioskCentral
import KioskEmulators

/// The demo's `!` commands: play the agency (set a dossier's status at the central server)
/// or the paper roll.
struct DemoCommands: Sendable {
    let central: CentralServer
    let printer: EmulatedPrinter
    let kioskId: String

    func run(_ line: String) -> String {
        let words = line.dropFirst().split(separator: " ", maxSplits: 3).map(String.init)
        switch words.first ?? "" {
        case "status":
            guard words.count >= 3 else { return "usage: !status CODE STATUS [note]" }
            do {
                try central.setStatus(
                    kiosk: kioskId, code: words[1], status: words[2], note: words.count > 3 ? words[3] : nil)
                return "central: \(words[1]) is now \(words[2]); the kiosk picks it up within 2 s — scan the code"
            } catch {
                return "central: \(error)"
            }
        case "late":
            // The agency sets a new appointment: the kiosk's lookup prints the apology slip.
            guard words.count >= 3 else { return "usage: !late CODE YYYY-MM-DD [note]" }
            do {
                try central.setStatus(
                    kiosk: kioskId, code: words[1], status: "processing", note: words.count > 3 ? words[3] : nil,
                    dueDate: words[2])
                return "central: \(words[1]) has a new appointment, \(words[2]); scan the code for the apology slip"
            } catch {
                return "central: \(error)"
            }
        case "paper-out":
            printer.update { $0.paperOut = true }
            return "printer: paper out (intakes are refused until !paper-in)"
        case "paper-in":
            printer.update { $0.paperOut = false }
            return "printer: paper back"
        case "cover-open":
            printer.update { $0.coverOpen = true }
            return "printer: cover open"
        case "cover-closed":
            printer.update { $0.coverOpen = false }
            return "printer: cover closed"
        case "events":
            let stored = (try? central.storedEvents(kiosk: kioskId)) ?? []
            return "central holds \(stored.count) event(s): "
                + stored.suffix(8).map { "#\($0.seq) \($0.type)" }.joined(separator: ", ")
        default:
            return
                "demo commands: !status CODE STATUS [note], !late CODE YYYY-MM-DD [note], !paper-out, !paper-in, "
                + "!cover-open, !cover-closed, !events"
        }
    }
}
