extension KioskConfiguration {
    /// `[Central]`: forwarding to the central server (central-protocol.md).
    public struct Central: Sendable, Equatable {
        /// `URL=`: the server's base URL; nil (written empty) keeps events queued and sends nothing.
        public var url: String?
        /// `KeyFile=/etc/kiosk/central.key`: the kiosk's HMAC secret.
        public var keyFile: String
        /// `CAFile=`: CA bundle to check the server against; nil uses the system's bundle.
        /// When set, it is the only trust: the system's CA directory is not consulted.
        public var caFile: String?
        /// `CAPath=`: a directory of CA certificates named by hash (`openssl rehash`), trusted
        /// instead of the system's; with `CAFile=` both are trusted.
        public var caPath: String?
        /// `Certificate=`: client certificate (PEM) for mutual TLS; set together with ``privateKey``.
        public var certificate: String?
        /// `PrivateKey=`: the client certificate's key (PEM).
        public var privateKey: String?
        /// `BatchSize=100` (1…500): events per request.
        public var batchSize: Int
        /// `Timeout=15s`: a request's time limit.
        public var timeout: Duration
        /// `PollUpdates=5min`: how often to ask for status updates.
        public var pollUpdates: Duration

        /// Creates the section with the documented defaults.
        public init(
            url: String? = nil, keyFile: String = "/etc/kiosk/central.key", caFile: String? = nil,
            certificate: String? = nil, privateKey: String? = nil, batchSize: Int = 100,
            timeout: Duration = .seconds(15), pollUpdates: Duration = .seconds(300), caPath: String? = nil
        ) {
            self.caPath = caPath
            self.url = url
            self.keyFile = keyFile
            self.caFile = caFile
            self.certificate = certificate
            self.privateKey = privateKey
            self.batchSize = batchSize
            self.timeout = timeout
            self.pollUpdates = pollUpdates
        }

        static let keys = [
            "URL", "KeyFile", "CAFile", "CAPath", "Certificate", "PrivateKey", "BatchSize", "Timeout", "PollUpdates",
        ]

        static func read(_ reader: inout SectionReader) -> Central? {
            let defaults = Central()
            let central = Central(
                url: reader.optional("URL", CentralURL.parse),
                keyFile: reader.value("KeyFile", default: defaults.keyFile, ValueSyntax.path),
                caFile: reader.optional("CAFile", ValueSyntax.path),
                certificate: reader.optional("Certificate", ValueSyntax.path),
                privateKey: reader.optional("PrivateKey", ValueSyntax.path),
                batchSize: reader.value("BatchSize", default: defaults.batchSize) {
                    ValueSyntax.integer($0, in: 1...500, unit: " events")
                },
                timeout: reader.value("Timeout", default: defaults.timeout, positiveDuration),
                pollUpdates: reader.value("PollUpdates", default: defaults.pollUpdates, positiveDuration),
                caPath: reader.optional("CAPath", ValueSyntax.path))
            let certificate = reader.entry("Certificate").flatMap { $0.value.isEmpty ? nil : $0 }
            let privateKey = reader.entry("PrivateKey").flatMap { $0.value.isEmpty ? nil : $0 }
            switch (certificate, privateKey) {
            case (let certificate?, nil):
                reader.report(certificate, "PrivateKey= is not set; mutual TLS needs both or neither")
            case (nil, let privateKey?):
                reader.report(privateKey, "Certificate= is not set; mutual TLS needs both or neither")
            default: break
            }
            return central
        }
    }
}
