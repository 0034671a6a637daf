import Foundation
import KioskDomain
import KioskSQLite
import KioskStore

/// `kiosk-bench store-flat --pages N`: which tables and indexes each commit of the intake
/// cycle writes, read from the WAL itself: after every commit, the frames it appended (their
/// page numbers), each page named by the b-tree that owns it (`dbstat`). Pages no b-tree
/// owns are the pointer-map and free-list pages of `auto_vacuum`. A WAL frame is one page
/// (4 KiB) plus a 24-byte header, whatever part of the page changed, so frames per commit
/// is what a commit writes and what its fsync waits for. Each stage's p50 time (the store's
/// call, as the caller waits for it) is printed beside its frames.
func runStorePagesReport(cycles: Int, directory: String) async throws {
    let path = directory + "/pages.db"
    removeStoreFiles(path)
    defer { removeStoreFiles(path) }
    let store = try KioskStore(path: path)
    let cycle = try await IntakeCycle(store: store)
    var wal = WALFrameReader(path: path + "-wal")
    let names = try BTreeNames(path: path)
    var stages = PageTally()
    // Warm-up: the tables' first pages exist, the statement cache is full.
    for _ in 0..<20 { try await cycle.run() }
    try await cycle.ack()
    _ = try wal.newFrames()
    for number in 1...cycles {
        var start = ContinuousClock.now
        let record = try await cycle.intake()
        try stages.add("intake (synchronous=FULL)", ContinuousClock.now - start, wal.newFrames(), names)
        start = ContinuousClock.now
        try await cycle.written(record)
        try stages.add("written (NORMAL)", ContinuousClock.now - start, wal.newFrames(), names)
        start = ContinuousClock.now
        try await cycle.complete(record)
        try stages.add("completion (NORMAL)", ContinuousClock.now - start, wal.newFrames(), names)
        if number % 100 == 0 {
            start = ContinuousClock.now
            try await cycle.ack()
            try stages.add("ack of 100 events (FULL)", ContinuousClock.now - start, wal.newFrames(), names)
        }
    }
    for _ in 0..<cycles {
        let start = ContinuousClock.now
        _ = try await store.appendEvent(
            type: "dossier.received", data: EnqueueBenchmarkOptions.sampleEventData, occurredAt: IntakeCycle.time)
        try stages.add("enqueue (appendEvent, FULL)", ContinuousClock.now - start, wal.newFrames(), names)
    }
    await store.close()
    print("WAL frames (pages of 4 KiB) per commit, by b-tree; \(cycles) intake cycles on an empty store")
    for stage in stages.order {
        let commits = stages.commits[stage] ?? 1
        let byName = (stages.frames[stage] ?? [:]).sorted {
            $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value
        }
        let total = byName.reduce(0) { $0 + $1.value }
        let time = stages.times[stage] ?? LatencySample()
        print(
            "\(stage): \(String(format: "%.2f", Double(total) / Double(commits))) frames per commit"
                + " (\(commits) commits), p50 \(time.percentile(50)) µs")
        for (name, count) in byName {
            print("    \(String(format: "%6.2f", Double(count) / Double(commits)))  \(name)")
        }
    }
}

/// Frames per stage and b-tree.
private struct PageTally {
    var order: [String] = []
    var commits: [String: Int] = [:]
    var frames: [String: [String: Int]] = [:]
    var times: [String: LatencySample] = [:]

    mutating func add(_ stage: String, _ time: Duration, _ pages: [UInt32], _ names: BTreeNames) throws {
        if commits[stage] == nil { order.append(stage) }
        commits[stage, default: 0] += 1
        times[stage, default: LatencySample()].add(time)
        for page in pages {
            frames[stage, default: [:]][try names.name(of: page), default: 0] += 1
        }
    }
}

/// The b-tree owning each page, from `dbstat` on a connection of its own (read again when a
/// page is not known yet: a page allocated since).
private final class BTreeNames {
    let db: Database
    var byPage: [UInt32: String] = [:]

    init(path: String) throws {
        db = try Database(path: path, flags: [.readOnly, .noMutex])
    }

    func name(of page: UInt32) throws -> String {
        if page == 1 { return "page 1 (sqlite_schema, header)" }
        if let name = byPage[page] { return name }
        byPage = [:]
        try db.prepare("SELECT name, pageno FROM dbstat").forEachRow { row in
            byPage[UInt32(row.int64(at: 1))] = row.string(at: 0) ?? "?"
        }
        return byPage[page] ?? "pointer map or free list"
    }
}

/// Reads the frames appended to a WAL file since the last call: their page numbers.
///
/// The WAL header's salts change when a writer starts the log over after a checkpoint; a
/// frame belongs to the current log when its salts are the header's.
struct WALFrameReader {
    let path: String
    var offset = 32
    var salts: [UInt8] = []

    init(path: String) { self.path = path }

    mutating func newFrames() throws -> [UInt32] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let header = try handle.read(upToCount: 32) ?? Data()
        guard header.count == 32 else { return [] }
        let bytes = [UInt8](header)
        let pageSize = Int(Self.word(bytes, 8))
        let headerSalts = Array(bytes[16..<24])
        if headerSalts != salts {
            salts = headerSalts
            offset = 32
        }
        try handle.seek(toOffset: UInt64(offset))
        let rest = [UInt8](try handle.readToEnd() ?? Data())
        var pages: [UInt32] = []
        var at = 0
        while at + 24 + pageSize <= rest.count, Array(rest[(at + 8)..<(at + 16)]) == salts {
            pages.append(Self.word(rest, at))
            at += 24 + pageSize
        }
        offset += at
        return pages
    }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
