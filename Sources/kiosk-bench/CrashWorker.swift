import Foundation
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore

/// `kiosk-bench crash-worker`: writes `dossier.received` events into a store while forwarding
/// them to a central server, until `--events N` exist and all are delivered (exit 0);
/// `--drain-only` writes nothing and delivers what the store holds.
///
/// The crash test `kill -9`s it at random moments and starts it again on the same database:
/// it resumes from the store's last seq, so the events committed before each kill are exactly
/// the ones that must reach the server, once each.
func runCrashWorker(arguments: [String]) async throws {
    var database = ""
    var url = ""
    var kiosk = "YB-CRASH-01"
    var keyFile = ""
    var total = 1000
    var index = 0
    func value() -> String {
        index += 1
        return index < arguments.count ? arguments[index] : ""
    }
    while index < arguments.count {
        switch arguments[index] {
        case "--db": database = value()
        case "--central": url = value()
        case "--kiosk": kiosk = value()
        case "--key": keyFile = value()
        case "--events": total = Int(value()) ?? total
        case "--drain-only": total = 0
        default: throw BenchUsage("crash-worker: unknown argument \(arguments[index])")
        }
        index += 1
    }
    guard !database.isEmpty, !url.isEmpty, !keyFile.isEmpty else {
        throw BenchUsage("crash-worker needs --db PATH --central URL --key FILE [--kiosk ID] [--events N]")
    }
    let store = try KioskStore(path: database)
    let client = CentralClient(
        baseURL: url, signer: RequestSigner(kioskId: kiosk, key: try KioskKey(contentsOfFile: keyFile)),
        transport: CentralHTTPTransport(configuration: .init(timeout: 5)))
    let forwarder = Forwarder(
        store: store, client: client,
        configuration: ForwarderConfiguration(batchSize: 50, idlePollInterval: 0.05, backoffBase: 0.02, backoffCap: 0.5)
    )

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await forwarder.run() }
        // Writer: one event per transaction, in small bursts, as intakes would come.
        var seq = try await store.summary().lastSeq
        while seq < Int64(total) {
            let burst = Int.random(in: 1...4)
            for _ in 0..<burst where seq < total {
                seq += 1
                let now = Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
                _ = try await store.appendEvent(
                    type: "dossier.received", data: CrashWorkerEvent.data(seq: seq, at: now), occurredAt: now)
            }
            await forwarder.nudge()
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...6)))
        }
        while try await store.summary().pending > 0 {
            await forwarder.nudge()
            try await Task.sleep(for: .milliseconds(20))
        }
        group.cancelAll()
    }
    await store.close()
}

/// A realistic `dossier.received` payload, unique per seq, with no real person in it.
enum CrashWorkerEvent {
    static func data(seq: Int64, at: Timestamp) -> [UInt8] {
        let code = "YBCR01-\(at.localDay.description.replacingOccurrences(of: "-", with: "").dropFirst(2))-\(seq)"
        let payload = DossierReceivedData(
            code: code, procedure: .init(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
            applicant: .init(
                idNumber: String(format: "0010990%05d", seq % 100_000), name: "Người Thử Nghiệm",
                birthDate: "1990-01-01", gender: "Nam", address: "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"),
            receivedAt: at.description, dueDate: at.localDay.adding(days: 14).description,
            fee: .init(amount: 200_000, currency: "VND"), delivery: .init(method: "counter", address: nil),
            postalItem: nil, office: "Bưu điện huyện Văn Yên")
        return (try? JSONDocumentEncoder().encode(payload)) ?? Array("{}".utf8)
    }
}

/// A usage mistake in kiosk-bench's arguments.
struct BenchUsage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
