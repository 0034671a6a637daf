import KioskDomain

/// How a procedure's result comes back to the citizen by default (`Delivery=`).
public enum DeliveryMethod: String, Sendable, CaseIterable {
    /// By post to the citizen's address.
    case post
    /// Collected at the counter.
    case counter
}

/// A procedure the kiosk takes dossiers for, from the catalog file.
public struct Procedure: Sendable, Equatable {
    /// National procedure code, a digit, a dot and six digits: `1.001234`.
    public var code: String
    /// `Name=`: the procedure's name in Vietnamese.
    public var name: String
    /// `Days=` (0…365): working days from intake to the appointment.
    public var workingDays: Int
    /// `Fee=`: fee in Vietnamese đồng, 0 when free.
    public var feeVND: Int
    /// `Delivery=post|counter` (default `post`): how the result comes back by default.
    public var delivery: DeliveryMethod
    /// `Documents=` lines: the papers a dossier holds ("Thành phần hồ sơ"), printed on the receipt.
    public var documents: [DossierDocument]
    /// `LegalDays=` (0…365, default `Days`): the processing time the law sets, in working days,
    /// printed as "Thời hạn theo quy định".
    public var legalDays: Int
    /// `Sets=` (1…20, default 1): the number of sets of the dossier ("Số lượng hồ sơ").
    public var sets: Int
    /// `SameDayCutoff=HH:MM` (only with `Days=0`): dossiers at or after it count from the next
    /// working day, in place of `[Kiosk] Cutoff=`.
    public var sameDayCutoff: TimeOfDay?

    /// Creates a procedure.
    public init(
        code: String, name: String, workingDays: Int, feeVND: Int, delivery: DeliveryMethod,
        documents: [DossierDocument] = [], legalDays: Int? = nil, sets: Int = 1, sameDayCutoff: TimeOfDay? = nil
    ) {
        self.code = code
        self.name = name
        self.workingDays = workingDays
        self.feeVND = feeVND
        self.delivery = delivery
        self.documents = documents
        self.legalDays = legalDays ?? workingDays
        self.sets = sets
        self.sameDayCutoff = sameDayCutoff
    }

    /// The reference a dossier carries.
    public var ref: ProcedureRef { ProcedureRef(code: code, name: name) }

    /// Whether `text` is a national procedure code: a digit, a dot, six digits.
    public static func isCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 8 && bytes[1] == 0x2E
            && bytes.enumerated().allSatisfy { $0.offset == 1 || ($0.element >= 0x30 && $0.element <= 0x39) }
    }
}

/// The procedure catalog (`[Kiosk] Procedures=`), one section per procedure:
///
///     [Procedure 1.001234]
///     Name=Cấp Phiếu lý lịch tư pháp
///     Days=10
///     Fee=200000
///     Delivery=post
///     LegalDays=10
///     Sets=1
///     Documents=Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp | original | 1
///     Documents=Thẻ căn cước | copy | 1
///
/// `Name`, `Days` and `Fee` are required; `Delivery` defaults to `post`, `LegalDays` to `Days`,
/// `Sets` to 1. `Documents=` may be repeated: `name | original|copy | count` (kind and count
/// optional, default `original` and 1). `SameDayCutoff=15:00` (with `Days=0` only) replaces the
/// kiosk's cut-off for that procedure. A catalog with no procedure is an error (the kiosk could
/// take nothing in).
public struct ProcedureCatalog: Sendable, Equatable {
    /// The procedures in file order.
    public var procedures: [Procedure]

    /// Creates a catalog.
    public init(procedures: [Procedure]) {
        self.procedures = procedures
    }

    /// The procedure with national code `code`, if the catalog has it.
    public func procedure(code: String) -> Procedure? {
        procedures.first { $0.code == code }
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConfigurationErrors) -> ProcedureCatalog {
        switch ConfigFile.contents(path: path) {
        case .success(let bytes): return try parse(bytes: bytes, file: path)
        case .failure(let problem):
            throw ConfigurationErrors(diagnostics: [ConfigDiagnostic(file: path, line: 0, message: problem.message)])
        }
    }

    /// Parses catalog text; `file` names it in diagnostics.
    public static func parse(text: String, file: String) throws(ConfigurationErrors) -> ProcedureCatalog {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses catalog bytes (invalid UTF-8 is reported by line).
    public static func parse(bytes: [UInt8], file: String) throws(ConfigurationErrors) -> ProcedureCatalog {
        let (catalog, diagnostics) = read(bytes: bytes, file: file)
        guard diagnostics.isEmpty else { throw ConfigurationErrors(diagnostics: diagnostics) }
        return catalog
    }

    static let keys = ["Name", "Days", "Fee", "Delivery", "Documents", "LegalDays", "Sets", "SameDayCutoff"]

    /// The catalog of the well-formed procedures and every problem.
    static func read(bytes: [UInt8], file: String) -> (ProcedureCatalog, [ConfigDiagnostic]) {
        let document = INIDocument(
            source: SourceText(bytes: bytes, file: file), file: file, repeatableKeys: ["Documents"])
        var diagnostics = document.diagnostics
        diagnostics += unknownSectionDiagnostics(in: document, known: ["Procedure"]) { "[\($0) 1.001234]" }
        var procedures: [Procedure] = []
        for section in document.sections where section.name == "Procedure" {
            guard let code = section.argument, Procedure.isCode(code) else {
                diagnostics.append(
                    ConfigDiagnostic(
                        file: file, line: section.line, section: section.title,
                        message: section.argument == nil
                            ? "needs the national procedure code: [Procedure 1.001234]"
                            : "\"\(section.argument ?? "")\" is not a national procedure code; "
                                + "write a digit, a dot and six digits, e.g. [Procedure 1.001234]"))
                continue
            }
            var reader = SectionReader(document: document, section: section, title: section.title, knownKeys: keys)
            let name = reader.required("Name", hint: "Name=<procedure name>", ValueSyntax.nonEmptyText)
            let days = reader.required("Days", hint: "Days=<working days, 0…365>") {
                ValueSyntax.integer($0, in: 0...365, unit: " working days")
            }
            let fee = reader.required("Fee", hint: "Fee=<VND, 0 when free>", parseFee)
            let delivery = reader.value("Delivery", default: DeliveryMethod.post) {
                ValueSyntax.choice($0, of: DeliveryMethod.self)
            }
            let legalDays = reader.optional("LegalDays") { ValueSyntax.integer($0, in: 0...365, unit: " working days") }
            let sets = reader.value("Sets", default: 1) { ValueSyntax.integer($0, in: 1...20, unit: " sets") }
            let sameDayCutoff = reader.optional("SameDayCutoff", TimeOfDay.parse)
            if sameDayCutoff != nil, let days, days != 0, let entry = reader.entry("SameDayCutoff") {
                reader.report(entry, "applies only to same-day procedures (Days=0); this one has Days=\(days)")
            }
            var documents: [DossierDocument] = []
            for entry in section.entries("Documents") {
                switch parseDocument(entry.value) {
                case .success(let document): documents.append(document)
                case .failure(let problem): reader.report(entry, problem.message)
                }
            }
            diagnostics += reader.diagnostics
            if let name, let days, let fee {
                procedures.append(
                    Procedure(
                        code: code, name: name, workingDays: days, feeVND: fee, delivery: delivery,
                        documents: documents, legalDays: legalDays, sets: sets, sameDayCutoff: sameDayCutoff))
            }
        }
        if document.sections.isEmpty && diagnostics.isEmpty {
            diagnostics.append(
                ConfigDiagnostic(
                    file: file, line: document.lineCount,
                    message:
                        "no procedures; add a section per procedure, e.g. [Procedure 1.001234] with Name=, Days=, Fee=")
            )
        }
        return (ProcedureCatalog(procedures: procedures), diagnostics.sorted { $0.line < $1.line })
    }

    /// `name | original|copy | count`; kind and count may be left out.
    static func parseDocument(_ text: String) -> Result<DossierDocument, ValueProblem> {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map {
            String(INIDocument.trimmed($0))
        }
        let hint =
            "write Documents=<name> | original or copy | <count>, e.g. Documents=Bản sao Giấy khai sinh | copy | 1"
        guard (1...3).contains(parts.count), !parts[0].isEmpty else {
            return .failure(ValueProblem("no name; " + hint))
        }
        var kind = DossierDocument.Kind.original
        if parts.count > 1 {
            guard let parsed = DossierDocument.Kind(rawValue: parts[1].lowercased()) else {
                return .failure(ValueProblem("\"\(parts[1])\" is neither original nor copy; " + hint))
            }
            kind = parsed
        }
        var count = 1
        if parts.count > 2 {
            switch ValueSyntax.integer(parts[2], in: 1...99, unit: " papers") {
            case .success(let n): count = n
            case .failure(let problem): return .failure(ValueProblem(problem.message + "; " + hint))
            }
        }
        return .success(DossierDocument(name: parts[0], kind: kind, count: count))
    }

    private static func parseFee(_ text: String) -> Result<Int, ValueProblem> {
        ValueSyntax.integer(text, in: 0...1_000_000_000, unit: " VND").mapError {
            ValueProblem($0.message + "; write the amount in đồng without separators, e.g. 200000")
        }
    }
}
