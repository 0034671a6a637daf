import KioskDomain

extension KioskConfiguration {
    /// `[Kiosk]`: who the kiosk is and where its files are.
    public struct Kiosk: Sendable, Equatable {
        /// `Id=`, required, `[A-Z0-9-]{3,32}`: printed on receipts, sent to central.
        public var id: String
        /// `Office=`, required: the post office's name printed on receipts.
        public var office: String
        /// `StateDirectory=/var/lib/kiosk`: the database and spool.
        public var stateDirectory: String
        /// `Procedures=/etc/kiosk/procedures.conf`: the procedure catalog.
        public var procedures: String
        /// `Holidays=`: optional file of extra non-working days and day swaps.
        public var holidays: String?
        /// `RetentionDays=90` (1…3650): personal data of delivered dossiers is purged after this.
        public var retentionDays: Int
        /// `LogLevel=info`: the least severe log line written.
        public var logLevel: LogLevel
        /// `CodePrefix=`, `[A-Z0-9]{2,8}`: prefix of tracking codes; by default `Id` without
        /// dashes, cut to 8 characters.
        public var codePrefix: String
        /// `Unit=`: the receiving unit printed at the top left of the receipt (e.g. the
        /// province's public-service centre or post office); default `Office`.
        public var unit: String?
        /// `Place=`: the place in "<place>, ngày … tháng … năm …" (e.g. `Lào Cai`); default none.
        public var place: String?
        /// `Cutoff=16:30`: a dossier received at or after it counts from the next working day.
        public var cutoff: TimeOfDay
        /// `OfficeHours=07:30-17:00`: when results are handed back; the receipt gives the
        /// appointment at the opening time (the closing time for same-day procedures).
        public var officeHours: ClosedRange<TimeOfDay>
        /// `Copies=1|2`: one receipt, or two ("Liên 1" kept with the dossier, "Liên 2" for the
        /// citizen) with a cut between.
        public var receiptCopies: Int

        /// Default of `Cutoff=`.
        public static let defaultCutoff = TimeOfDay(hour: 16, minute: 30)!
        /// Default of `OfficeHours=`.
        public static let defaultOfficeHours = TimeOfDay(hour: 7, minute: 30)!...TimeOfDay(hour: 17, minute: 0)!

        /// Default of `StateDirectory=`.
        public static let defaultStateDirectory = "/var/lib/kiosk"
        /// Default of `Procedures=`.
        public static let defaultProcedures = "/etc/kiosk/procedures.conf"
        /// Default of `RetentionDays=`.
        public static let defaultRetentionDays = 90

        /// Creates the section; `codePrefix` nil derives it from `id`.
        public init(
            id: String, office: String, stateDirectory: String = defaultStateDirectory,
            procedures: String = defaultProcedures, holidays: String? = nil,
            retentionDays: Int = defaultRetentionDays, logLevel: LogLevel = .info, codePrefix: String? = nil,
            unit: String? = nil, place: String? = nil, cutoff: TimeOfDay = defaultCutoff,
            officeHours: ClosedRange<TimeOfDay> = defaultOfficeHours, receiptCopies: Int = 1
        ) {
            self.unit = unit
            self.place = place
            self.cutoff = cutoff
            self.officeHours = officeHours
            self.receiptCopies = receiptCopies
            self.id = id
            self.office = office
            self.stateDirectory = stateDirectory
            self.procedures = procedures
            self.holidays = holidays
            self.retentionDays = retentionDays
            self.logLevel = logLevel
            self.codePrefix = codePrefix ?? Self.derivedCodePrefix(id: id)
        }

        /// The default tracking-code prefix for a kiosk id: dashes removed, first 8 characters.
        public static func derivedCodePrefix(id: String) -> String {
            String(id.filter { $0 != "-" }.prefix(8))
        }

        static let keys = [
            "Id", "Office", "StateDirectory", "Procedures", "Holidays", "RetentionDays", "LogLevel", "CodePrefix",
            "Unit", "Place", "Cutoff", "OfficeHours", "Copies",
        ]

        static func read(_ reader: inout SectionReader) -> Kiosk? {
            let id = reader.required("Id", hint: "Id=YB-VANYEN-01 (3 to 32 of A-Z, 0-9 and -)", parseId)
            let office = reader.required("Office", hint: "Office=<post office name>", ValueSyntax.nonEmptyText)
            let stateDirectory = reader.value("StateDirectory", default: defaultStateDirectory, ValueSyntax.path)
            let procedures = reader.value("Procedures", default: defaultProcedures, ValueSyntax.path)
            let holidays = reader.optional("Holidays", ValueSyntax.path)
            let retentionDays = reader.value("RetentionDays", default: defaultRetentionDays) {
                ValueSyntax.integer($0, in: 1...3650, unit: " days")
            }
            let logLevel = reader.value("LogLevel", default: LogLevel.info) {
                ValueSyntax.choice($0, of: LogLevel.self)
            }
            var codePrefix = reader.optional("CodePrefix", parseCodePrefix)
            if codePrefix == nil, reader.entry("CodePrefix")?.value.isEmpty ?? true, let id {
                let derived = derivedCodePrefix(id: id)
                if derived.count >= 2 {
                    codePrefix = derived
                } else if let entry = reader.entry("Id") {
                    reader.report(
                        entry,
                        "gives a tracking-code prefix \"\(derived)\" shorter than 2 characters; "
                            + "set CodePrefix= (2 to 8 of A-Z and 0-9)")
                }
            }
            let unit = reader.optional("Unit", ValueSyntax.nonEmptyText)
            let place = reader.optional("Place", ValueSyntax.nonEmptyText)
            let cutoff = reader.value("Cutoff", default: defaultCutoff, TimeOfDay.parse)
            let officeHours = reader.value("OfficeHours", default: defaultOfficeHours, TimeOfDay.parseRange)
            let copies = reader.value("Copies", default: 1) { ValueSyntax.integer($0, in: 1...2, unit: " copies") }
            guard let id, let office, let codePrefix else { return nil }
            return Kiosk(
                id: id, office: office, stateDirectory: stateDirectory, procedures: procedures, holidays: holidays,
                retentionDays: retentionDays, logLevel: logLevel, codePrefix: codePrefix, unit: unit, place: place,
                cutoff: cutoff, officeHours: officeHours, receiptCopies: copies)
        }

        private static func parseId(_ text: String) -> Result<String, ValueProblem> {
            if ValueSyntax.matches(
                text, lengths: 3...32, allowed: { ValueSyntax.isUpperAlphanumeric($0) || $0 == 0x2D })
            {
                return .success(text)
            }
            var message = "not a kiosk id; use 3 to 32 of A-Z, 0-9 and -, e.g. YB-VANYEN-01"
            if text.uppercased() != text { message += " (capitals only)" }
            return .failure(ValueProblem(message))
        }

        private static func parseCodePrefix(_ text: String) -> Result<String, ValueProblem> {
            ValueSyntax.matches(text, lengths: 2...8, allowed: ValueSyntax.isUpperAlphanumeric)
                ? .success(text)
                : .failure(ValueProblem("not a tracking-code prefix; use 2 to 8 of A-Z and 0-9, e.g. YBVANYEN"))
        }
    }
}

/// `[Kiosk] LogLevel=`: how severe a log line must be to be written.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    /// Everything, for diagnosis.
    case debug
    /// Normal operation (the default).
    case info
    /// Normal but significant.
    case notice
    /// Something a technician should look at.
    case warning
    /// Something failed.
    case error

    /// The syslog priority journald reads from a `<N>` line prefix.
    public var syslogPriority: Int {
        switch self {
        case .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        }
    }

    /// Orders by severity: `debug < info < … < error`.
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.syslogPriority > b.syslogPriority }
}
