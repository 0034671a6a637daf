import KioskDomain

extension TechnicianStatus {
    /// The status from every fact, for the service (the memberwise initializer is internal to
    /// this module).
    package static func facts(
        kioskId: String, version: String, printerProfile: String, printerDevice: String, printerState: String,
        printerDetail: String? = nil, scannerDevice: String, scannerState: String, backlog: Int,
        oldestPendingAt: Timestamp? = nil, deadLetters: Int, centralURL: String?, forwarding: String,
        lastDeliveryAt: Timestamp? = nil, lastError: String? = nil, hostName: String, addresses: [String]
    ) -> TechnicianStatus {
        TechnicianStatus(
            kioskId: kioskId, version: version, printerProfile: printerProfile, printerDevice: printerDevice,
            printerState: printerState, printerDetail: printerDetail, scannerDevice: scannerDevice,
            scannerState: scannerState, backlog: backlog, oldestPendingAt: oldestPendingAt, deadLetters: deadLetters,
            centralURL: centralURL, forwarding: forwarding, lastDeliveryAt: lastDeliveryAt, lastError: lastError,
            hostName: hostName, addresses: addresses)
    }
}
