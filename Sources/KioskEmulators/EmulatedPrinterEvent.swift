/// Something the emulated printer did on the wire, in order: lets a test assert on what
/// happened before what, instead of on time.
public enum EmulatedPrinterEvent: Sendable, Equatable {
    /// A cut (`GS V`) was received while printing: a whole receipt reached the printer.
    case cut
    /// A real-time `DLE EOT n` was received (and answered when it answers status).
    case realtimeRequest(UInt8)
    /// An answer to a buffered `GS r n` went out (the job before it is printed).
    case processedAnswer
    /// An Automatic Status Back message went out.
    case pushedStatus([UInt8])
}
