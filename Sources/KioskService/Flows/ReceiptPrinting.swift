import ESCPOS

/// What the flows need from the printer side: whether it can print now, a wake-up when a
/// job was written, the refusal signal (buzzer), and a slip printed at once.
public protocol ReceiptPrinting: Sendable {
    /// Why the printer cannot print right now (paper out, cover open, missing…), or nil.
    func problem() async -> String?
    /// Print jobs were added to the store: print them.
    func jobsAdded() async
    /// Sound the refusal pattern where the printer has a buzzer.
    func signalRefusal() async
    /// Prints a short slip now, outside the store's print jobs (a refusal slip must print when
    /// the store itself is failing); false when it could not be sent whole.
    func printSlip(_ bytes: [UInt8]) async -> Bool
}
