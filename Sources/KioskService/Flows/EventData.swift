import KioskDomain
import KioskProtocol

/// The `data` object of each event the kiosk writes, exactly as central-protocol.md names
/// its fields.
enum EventData {
    static func received(_ dossier: Dossier) -> [UInt8] {
        let address: String? =
            switch dossier.delivery {
            case .post(let address): address
            case .counter: nil
            }
        return encode(
            DossierReceivedData(
                code: dossier.code,
                procedure: .init(code: dossier.procedure.code, name: dossier.procedure.name),
                applicant: .init(
                    idNumber: dossier.applicant.idNumber, name: dossier.applicant.name,
                    birthDate: dossier.applicant.birthDate?.description ?? "", gender: dossier.applicant.gender,
                    address: dossier.applicant.address),
                receivedAt: dossier.receivedAt.description, dueDate: dossier.dueDate.description,
                fee: .init(amount: Int64(dossier.feeVND), currency: "VND"),
                delivery: .init(method: dossier.delivery.method, address: address), postalItem: dossier.postalItem,
                office: dossier.office, register: dossier.register.map { .init(book: $0.book, number: $0.number) },
                documents: dossier.documents.isEmpty
                    ? nil
                    : dossier.documents.map { WireDocument(name: $0.name, kind: $0.kind.rawValue, count: $0.count) },
                phone: dossier.contact.phone, email: dossier.contact.email))
    }

    static func postalItemAttached(code: String, postalItem: String) -> [UInt8] {
        encode(PostalItemAttachedData(code: code, postalItem: postalItem))
    }

    static func returned(code: String, at: Timestamp, idNumber: String) -> [UInt8] {
        encode(DossierReturnedData(code: code, returnedAt: at.description, idNumber: idNumber))
    }

    private static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding these plain structs (strings, integers, optionals) cannot fail.
        try! JSONDocumentEncoder().encode(value)
    }
}
