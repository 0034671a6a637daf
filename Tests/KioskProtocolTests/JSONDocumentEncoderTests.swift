import Foundation
import KioskDomain
import KioskProtocol
import Testing

@Suite struct JSONDocumentEncoderTests {
    /// What the kiosk wrote with Foundation before: the reference for every byte.
    private func foundation<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func ours<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        try JSONDocumentEncoder(prettyPrinted: pretty).encodeToString(value)
    }

    static let received = DossierReceivedData(
        code: "YBVY01-261121-0007-K",
        procedure: .init(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
        applicant: .init(
            idNumber: "001095012345", name: "Nguyễn Bá \"Hoàng\"", birthDate: "1995-03-14", gender: "Nam",
            address: "Thôn 3\\4, xã Mậu A\n\thuyện Văn Yên / tỉnh Yên Bái"),
        receivedAt: "2026-11-21T09:15:02+07:00", dueDate: "2026-11-28", fee: .init(amount: 200_000, currency: "VND"),
        delivery: .init(method: "post", address: nil), postalItem: "EA123456785VN", office: "Bưu điện huyện Văn Yên")

    @Test func writesTheWireTypesByteForByteAsJSONEncoderDid() throws {
        #expect(try ours(Self.received) == (try foundation(Self.received)))
        let health = KioskHealthData(
            printer: "paper-out", scanner: "ok", backlog: 12,
            oldestPendingAt: Timestamp(unixSeconds: 1_795_000_000, offsetSeconds: 7 * 3600), deadLetters: 0,
            version: "1.2.0")
        #expect(try ours(health) == (try foundation(health)))
        let documents = [WireDocument(name: "Bản sao Giấy khai sinh", kind: "copy", count: 2)]
        #expect(try ours(documents) == (try foundation(documents)))
        let update = UpdatesPage(
            updates: [
                WireStatusUpdate(
                    code: "YBVY01-261121-0007-K", status: "needs-more", note: "Sở Tư pháp: bổ sung giấy tờ",
                    at: "2026-11-22T08:00:00+07:00", dueDate: "2026-11-30", documents: documents)
            ], next: "7")
        #expect(try ours(update) == (try foundation(update)))
        let results = BatchResults(results: [EventResult(id: "a", status: EventResult.rejected, reason: "r")])
        #expect(try ours(results) == (try foundation(results)))
    }

    @Test func sortsKeysByTheirBytesAsJSONEncoderDoes() throws {
        let keys = [
            "b", "B", "a", "A", "a10", "a9", "a09", "a_b", "aB", "ab", "_x", "1", "10", "2", "é", "e", "ư", "u", "id",
            "ID",
        ]
        var fields: [String: Int] = [:]
        for (index, key) in keys.enumerated() { fields[key] = index }
        #expect(try ours(fields) == (try foundation(fields)))
        let numbered: [Int: String] = [10: "mười", 2: "hai", 1: "một"]
        #expect(try ours(numbered) == (try foundation(numbered)))
    }

    private struct Measures: Codable, Equatable {
        var seconds: Double
        var rate: Double
        var small: Float
        var whole: Double
        var huge: Double
        var count: Int64
        var negative: Int
        var unsigned: UInt64
        var missing: Double?
        var flags: [Bool]
        var nested: [[String: [Int]]]
    }

    @Test func writesNumbersAndNestedValuesAsJSONEncoderDoes() throws {
        let value = Measures(
            seconds: 0.123_456_789, rate: -3.5e-7, small: 0.1, whole: 2, huge: 1e20, count: Int64.min, negative: -1,
            unsigned: 1 << 40, missing: nil, flags: [true, false], nested: [["x": [1, 2]], [:]])
        #expect(try ours(value) == (try foundation(value)))
        let decoded = try JSONDocumentDecoder().decode(Measures.self, from: try JSONDocumentEncoder().encode(value))
        #expect(decoded.seconds == value.seconds && decoded.count == Int64.min && decoded.nested == value.nested)
    }

    @Test func prettyPrintsAsJSONEncoderDoes() throws {
        #expect(try ours(Self.received, pretty: true) == (try foundation(Self.received, pretty: true)))
        #expect(try ours(["a": [1, 2]], pretty: true) == "{\n  \"a\" : [\n    1,\n    2\n  ]\n}")
    }

    @Test func roundTripsThroughTheReader() throws {
        let bytes = try JSONDocumentEncoder().encode(Self.received)
        #expect(try JSONDocumentDecoder().decode(DossierReceivedData.self, from: bytes) == Self.received)
        let root = try JSONDocument(parsing: bytes).root
        #expect(root["applicant"]?["name"]?.string == "Nguyễn Bá \"Hoàng\"")
        #expect(root["delivery"]?["address"] == nil)
    }

    @Test func refusesNumbersJSONCannotHold() {
        #expect(throws: EncodingError.self) { try JSONDocumentEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONDocumentEncoder().encode(["x": Float.infinity]) }
    }

    private struct Explicit: Encodable {
        enum CodingKeys: String, CodingKey { case none, list, base }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeNil(forKey: .none)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encodeNil()
            var inner = list.nestedContainer(keyedBy: CodingKeys.self)
            try inner.encode("v", forKey: .base)
            try "super".encode(to: container.superEncoder(forKey: .base))
            try 5.encode(to: container.superEncoder())
        }
    }

    @Test func writesExplicitNullsNestedContainersAndSuperEncoders() throws {
        #expect(try ours(Explicit()) == (try foundation(Explicit())))
        #expect(try ours(Explicit()) == #"{"base":"super","list":[null,{"base":"v"}],"none":null,"super":5}"#)
    }
}
