import KioskDomain

/// What the `KIOSK:STATUS` slip tells a technician standing at the kiosk: which kiosk and
/// version, the printer (profile, device, state), the scanner, the outbox backlog, the last
/// delivery to the central server and the network. Facts about the machine only: no dossier,
/// no personal data.
package struct TechnicianStatus: Sendable {
    var kioskId: String
    var version: String
    var printerProfile: String
    var printerDevice: String
    var printerState: String
    var printerDetail: String?
    var scannerDevice: String
    var scannerState: String
    var backlog: Int
    var oldestPendingAt: Timestamp?
    var deadLetters: Int
    /// `[Central] URL=`, nil when forwarding is off.
    var centralURL: String?
    /// The forwarder's activity (`idle`, `backing-off`, …).
    var forwarding: String
    var lastDeliveryAt: Timestamp?
    var lastError: String?
    /// The host name and the addresses of the network interfaces that are up.
    var hostName: String
    var addresses: [String]

}
