/// The event types of central-protocol.md ("Event types").
public enum EventType: String, Sendable, CaseIterable {
    /// A dossier was taken in; its receipt was committed. Data: ``DossierReceivedData``.
    case dossierReceived = "dossier.received"
    /// A postal item (S10 id) was attached to a dossier. Data: ``PostalItemAttachedData``.
    case postalItemAttached = "dossier.postal-item-attached"
    /// The result was handed to the citizen. Data: ``DossierReturnedData``.
    case returned = "dossier.returned"
    /// Printer, scanner and backlog state. Data: ``KioskHealthData``.
    case kioskHealth = "kiosk.health"
}
