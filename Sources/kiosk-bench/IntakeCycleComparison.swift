import Foundation
import KioskStore
import KioskSystem

/// The service's intake cycle (``IntakeCycle``) against persist-queue's put + get + ack
/// (`peers/persist_queue_cycle.py`), in alternating rounds on the same disk.
///
/// The disk of a shared (virtual) machine changes speed within a minute: measured one after
/// the other, the two cycles' ratio swung from 1.2× to 1.7× between runs of the same build.
/// Each round runs a share of the kiosk's cycles (on one store, as a kiosk goes on), then the
/// peer's; the figures are the medians of the rounds, and the ratio the median of the rounds'
/// ratios, so a slow spell of the disk counts against both sides alike.
struct IntakeCycleComparison {
    /// One round: cycles per second of each side (the peer's nil when it cannot run here).
    struct Round {
        var kiosk: Double
        var peer: Double?
    }

    /// Every cycle of the kiosk's side over all rounds (latencies and bytes written).
    var kiosk = LatencySample()
    var rounds: [Round] = []

    /// The median of the rounds' kiosk cycles per second.
    var kioskPerSecond: Double { median(rounds.map(\.kiosk)) ?? 0 }
    /// The median of the rounds' peer cycles per second; nil when the peer did not run.
    var peerPerSecond: Double? { median(rounds.compactMap(\.peer)) }
    /// The median of the rounds' ratios, kiosk over peer.
    var ratio: Double? {
        median(rounds.compactMap { round in round.peer.map { round.kiosk / $0 } })
    }

    /// Runs `cycles` kiosk cycles split over `rounds` rounds, each followed by as many of the
    /// peer's cycles, in `directory`.
    static func run(cycles: Int, rounds: Int, peers: String, directory: String) async throws -> IntakeCycleComparison {
        let path = directory + "/cycle.db"
        removeStoreFiles(path)
        defer { removeStoreFiles(path) }
        let store = try KioskStore(path: path)
        let cycle = try await IntakeCycle(store: store)
        _ = try await cycle.timedRuns(100)
        var comparison = IntakeCycleComparison()
        let perRound = max(1, cycles / max(1, rounds))
        for _ in 0..<max(1, rounds) {
            let sample = try await cycle.timedRuns(perRound)
            comparison.kiosk.merge(sample)
            let peer = persistQueueCycle(count: perRound, peers: peers, directory: directory)
            comparison.rounds.append(Round(kiosk: sample.callsPerSecond, peer: peer))
        }
        await store.close()
        return comparison
    }

    private func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// persist-queue's put + get + ack per item, per second, over `count` items; nil when it
/// cannot run here (no python3, no persist-queue, no script).
private func persistQueueCycle(count: Int, peers: String, directory: String) -> Double? {
    let script = peers + "/persist_queue_cycle.py"
    guard FileManager.default.fileExists(atPath: script) else { return nil }
    let process = ChildProcess(
        "/usr/bin/env", ["python3", script, "--count", "\(count)", "--dir", directory + "/peer"])
    process.standardError = .null
    guard let (termination, bytes) = try? process.runReadingOutput(), termination == .exited(0) else { return nil }
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return Double(text.split(separator: " ").last.map(String.init) ?? "")
}
