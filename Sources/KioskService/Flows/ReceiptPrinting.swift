import ESCPOS
import KioskStore

/// What the flows need from the printer side: whether it can print now, a hand-over of each
/// job they accepted, the refusal signal (buzzer), and a slip printed at once.
public protocol ReceiptPrinting: Sendable {
    /// Why the printer cannot print right now (paper out, cover open, missing…), asked of the
    /// printer now, or nil. Where the printer pushes its status (Automatic Status Back), the
    /// state it pushed is its answer, read without leaving the caller; otherwise asking runs
    /// on the caller's executor (the flows') and costs only the hand-off to the printer's
    /// thread and back.
    nonisolated(nonsending) func problem() async -> String?
    /// Prints a job the flows accepted and wrote claimed (`sending`, this run): hands it over
    /// without waiting for it. Called on the store's thread as the job's transaction commits
    /// (the store's `afterCommit`), so it must not block.
    func print(_ job: PrintJob)
    /// Sound the refusal pattern where the printer has a buzzer.
    func signalRefusal() async
    /// Prints a short slip now, outside the store's print jobs (a refusal slip must print when
    /// the store itself is failing); false when it could not be sent whole.
    func printSlip(_ bytes: [UInt8]) async -> Bool
}
