import Foundation
import KioskConfig
import KioskDomain
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One section of `docs/benchmarks.md`: a heading, what is measured and how (in words — every
/// figure on the page is the output of `command`), and the command.
struct BenchmarkSection {
    /// What runs: a `kiosk-bench` subcommand (this executable) or a peer script run by the
    /// Python that has the peers installed.
    enum Command {
        case bench([String])
        case peer(script: String, [String])
    }

    var title: String
    var about: String
    var command: Command
    /// Arguments added with `kiosk-bench all --large` (the sizes that take minutes).
    var large: [String] = []
}

/// Every benchmark `docs/benchmarks.md` quotes, in the order of the page. A new subcommand
/// gets its figures on the page with one more line here.
///
/// `intakes` is `--intakes N` of `kiosk-bench all` (1,000 by default, as issue 12 asks).
func benchmarkSections(intakes: Int) -> [BenchmarkSection] {
    [
        BenchmarkSection(
            title: "Idle memory and READY",
            about: """
                A release `kioskd` started as its own process on emulated hardware (a printer on a \
                pseudo-terminal, a serial scanner, forwarding to a loopback central server): the time \
                from spawning it to its `READY=1`, its resident memory when idle, again after one \
                intake, and the mappings that hold the idle memory (`/proc/PID/smaps`).
                """,
            command: .bench(["idle", "--starts", "6", "--settle", "3"])),
        BenchmarkSection(
            title: "Idle memory and READY, kioskd as the package ships it",
            about: """
                The same, for the `kioskd` that `.ci/build-deb.sh` puts in the package: the Swift \
                runtime linked in statically, linked by lld with packed relative relocations and \
                without exported symbols (`.ci/release-flags.sh`; `scripts/benchmarks.sh` builds it \
                into `.build-release` and names it in `KIOSK_BENCH_SHIPPED_KIOSKD`). Issue 12's \
                20 MB goal is about this one.
                """,
            command: .bench(["idle", "--kioskd", "$SHIPPED_KIOSKD", "--starts", "6", "--settle", "3"])),
        BenchmarkSection(
            title: "Encoding a receipt, with python-escpos",
            about: """
                `ESCPOSEncoder.encode` on the standard intake receipt (Vietnamese name, address, \
                procedure, dates, fee, CODE128, QR, cut) per printer profile, each encode timed alone; \
                python-escpos 3.1 building the same receipt on its nearest profile in the same run \
                (`peers/escpos_receipt.py --json`), and how many times longer it takes. Letters sent \
                as user-defined characters are fitted to their cell once and kept \
                (`UserDefinedGlyphCache`, at most 512 per font face): the warm-up (a tenth as many \
                encodes) fills it, as a kiosk's first receipt does; each timed encode still plans, \
                assigns and downloads every letter afresh after its `ESC @`.
                """,
            command: .bench(["encode", "--count", "2000", "--python", "$PYTHON"])),
        BenchmarkSection(
            title: "Receipt bytes and wire time per profile and path",
            about: """
                The standard intake receipt per profile in each path: code pages with letters folded \
                to ASCII (the floor, not something the kiosk prints), code pages or raster line by \
                line (the encoder before user-defined characters), the encoder's choice (code pages, \
                user-defined characters or raster, line by line, whichever is fewer bytes) and every \
                line as raster; wire time is bytes × 10 / baud at 9600 and 115200. Then receipts \
                written through a pseudo-terminal to the emulated printer.
                """,
            command: .bench(["receipt", "--count", "200", "--receipts", "20"])),
        BenchmarkSection(
            title: "The same receipt from python-escpos",
            about: """
                python-escpos 3.1 on its profiles nearest ours: bytes, wire time at 9600 and 115200 \
                baud, its encode time, and how many of the Vietnamese lines read back intact.
                """,
            command: .peer(script: "escpos_receipt.py", ["--count", "50"])),
        BenchmarkSection(
            title: "The national-form receipt",
            about: """
                The receipt the kiosk prints (Mẫu 01 with documents, register and signature blocks) \
                per profile, one and two copies: bytes, paper length and wire time.
                """,
            command: .bench(["receipt-form"])),
        BenchmarkSection(
            title: "The national-form receipt per path, with python-escpos",
            about: """
                The same receipt (one copy) per profile along each way of printing Vietnamese: the \
                encoder's choice, code pages (raster where no page fits), user-defined characters, \
                raster only; bytes and wire time at 9600 and 115200 baud; then the same document \
                through python-escpos (`peers/escpos_receipt.py --document`) on its nearest profiles.
                """,
            command: .bench(["receipt-bytes", "--python", "$PYTHON"])),
        BenchmarkSection(
            title: "Scan to first byte, with status probes",
            about: """
                The whole service in one process: a FIFO scanner fed `input_event` records and a \
                pseudo-terminal printer that answers every status request at once. From the \
                procedure scan's Enter record to the first receipt byte, over \(intakes) intakes.
                """,
            command: .bench(["intake", "--count", "\(intakes)"])),
        BenchmarkSection(
            title: "Scan to first byte, no status probes",
            about: "The same with `Status=no`: the software and the intake's fsync only.",
            command: .bench(["intake", "--no-status", "--count", "\(max(1, intakes / 5))"])),
        BenchmarkSection(
            title: "Scan to first byte, Automatic Status Back",
            about: """
                The same on a printer profile with Automatic Status Back (`GS a`): the printer pushes \
                its state on every change and a fresh pushed state stands for a probe, so no `DLE EOT` \
                goes out before a job.
                """,
            command: .bench(["intake", "--asb", "--count", "\(intakes)"])),
        BenchmarkSection(
            title: "Intakes back to back",
            about: """
                Intakes scanned one after another as fast as the service takes them (each scan sent \
                when the previous receipt's first byte arrived): intakes per second.
                """,
            command: .bench(["intake", "--back-to-back", "--count", "\(max(1, intakes / 5))"])),
        BenchmarkSection(
            title: "The store as the kiosk ages",
            about: """
                Durable enqueue (p50, p99, bytes written per enqueue), the store summary and the \
                retention purge of 1,000 dossiers falling due, with 0 and 100,000 events pending \
                (`--large`: 1,000,000); then the service's intake cycle (intake, `written`, the \
                completion, an ack per 100 events, called from the store's own thread as the flows \
                and the print queue call them) beside persist-queue's put + get + ack in the same \
                run, in five alternating rounds on the same disk (medians; the median of the \
                rounds' ratios).
                """,
            command: .bench(["store-flat", "--sizes", "0,100000"]), large: ["--sizes", "0,100000,1000000"]),
        BenchmarkSection(
            title: "Durable enqueue",
            about: """
                `KioskStore.appendEvent` (one `synchronous=FULL` commit each) on an empty outbox and \
                with a backlog pending, acknowledgements, and the disk's own write + fdatasync rate \
                in the same run. `--large` adds the 1,000,000-event backlog.
                """,
            command: .bench(["enqueue"]), large: ["--backlog", "1000000"]),
        BenchmarkSection(
            title: "persist-queue, the same cases",
            about: """
                persist-queue 1.1.0's `SQLiteAckQueue` (WAL, `synchronous=FULL`), same events, same \
                backlog: put, put with the backlog pending, get + ack.
                """,
            command: .peer(script: "persist_queue_bench.py", []), large: ["--backlog", "1000000"]),
        BenchmarkSection(
            title: "Backlog drain",
            about: """
                A store filled with realistic `dossier.received` events drained by the real \
                forwarder through its HTTP transport to a `kiosk-central` child process on loopback: events per \
                second, the kiosk's memory, CPU and bytes written.
                """,
            command: .bench(["drain"])),
        BenchmarkSection(
            title: "Scanner decoding and latency",
            about: """
                An ID-card QR typed by a keyboard-wedge scanner (Vietnamese letters as Alt codes) \
                decoded from `input_event` records: events per second, and Enter written to scan \
                parsed in async code.
                """,
            command: .bench(["scanner", "--count", "500"])),
    ]
}

/// Subcommands that are tools, not benchmarks: `all` does not run them.
private let toolSubcommands: Set<String> = ["make-capture", "emulate", "crash-worker", "printer-socket", "all"]

/// `kiosk-bench all`: runs every section of `benchmarkSections` in one run (each as a child
/// process of this executable, or of `--python` for the peers) and writes the page with the
/// machine, the load before and after, the commit and the command.
///
///     kiosk-bench all [--out FILE] [--python PATH] [--large] [--intakes N] [--only WORD,...]
///                     [--command TEXT] [--list]
func runAllBenchmarks(arguments: [String]) throws {
    var list = ArgumentList(arguments)
    let out = try list.option("--out") ?? "docs/benchmarks.md"
    let python = try list.option("--python")
    let large = list.flag("--large")
    let intakes = Int(try list.option("--intakes") ?? "1000") ?? 1000
    let only = try list.option("--only").map { $0.split(separator: ",").map(String.init) }
    let commandText =
        try list.option("--command")
        ?? (["kiosk-bench"] + CommandLine.arguments.dropFirst()).joined(
            separator: " ")
    let listOnly = list.flag("--list")
    try list.expectEnd()

    var sections = benchmarkSections(intakes: intakes)
    if let only {
        sections = sections.filter { section in only.contains { section.title.lowercased().contains($0.lowercased()) } }
    }
    let covered = Set(
        benchmarkSections(intakes: intakes).compactMap { section -> String? in
            if case .bench(let args) = section.command { return args.first }
            return nil
        })
    let missing = usageSubcommands().filter { !covered.contains($0) && !toolSubcommands.contains($0) }
    if listOnly {
        for s in sections { print("\(s.title): \(describe(s, python: python ?? "python3", large: large))") }
        for name in missing { print("not in the report: kiosk-bench \(name)") }
        return
    }
    for name in missing {
        FileHandleOutput.standardError(
            "kiosk-bench all: subcommand '\(name)' is not in the report; add a line to benchmarkSections\n")
    }

    let started = Date()
    let loadBefore = loadAverage()
    var body = ""
    for (index, section) in sections.enumerated() {
        let shown = describe(section, python: python ?? "(no --python)", large: large)
        FileHandleOutput.standardError("[\(index + 1)/\(sections.count)] \(section.title): \(shown)\n")
        body += "## \(section.title)\n\n\(section.about)\n\n    \(shown)\n\n"
        let sectionLoad = loadAverage()
        let run: ChildRun
        switch section.command {
        case .bench(var args):
            if large { args += section.large }
            if args.contains("$SHIPPED_KIOSKD") {
                guard let shipped = ProcessInfo.processInfo.environment["KIOSK_BENCH_SHIPPED_KIOSKD"] else {
                    body +=
                        "Not run: no `KIOSK_BENCH_SHIPPED_KIOSKD` (`scripts/benchmarks.sh` builds and names it).\n\n"
                    continue
                }
                args = args.map { $0 == "$SHIPPED_KIOSKD" ? shipped : $0 }
            }
            if python == nil, args.contains("$PYTHON") {
                args.removeSubrange(args.firstIndex(of: "--python")!...args.firstIndex(of: "$PYTHON")!)
            }
            args = args.map { $0 == "$PYTHON" ? python ?? "" : $0 }
            run = try ChildRun("/proc/self/exe", args)
        case .peer(let script, var args):
            guard let python else {
                body += "Not run: `kiosk-bench all` was given no `--python` with the peers installed.\n\n"
                continue
            }
            if large { args += section.large }
            run = try ChildRun(python, [peersDirectory() + "/" + script] + args)
        }
        body += "Ran \(String(format: "%.0f", run.seconds)) s; load \(sectionLoad) before, \(loadAverage()) after.\n\n"
        body += "```text\n" + run.standardOutput.trimmingCharacters(in: .newlines) + "\n```\n\n"
        if run.status != 0 {
            let tail = run.standardError.split(separator: "\n").suffix(5).joined(separator: "\n")
            body += "**Failed** (exit \(run.status)):\n\n```text\n\(tail)\n```\n\n"
            FileHandleOutput.standardError("  failed (exit \(run.status)): \(tail)\n")
        }
    }
    let loadAfter = loadAverage()
    let finished = Date()

    var page = """
        # Benchmarks

        Every figure on this page is the output of one run of the command below, on the machine and
        commit it names; nothing here is written by hand but the words. Regenerate the page with:

            \(commandText)

        (`scripts/benchmarks.sh` builds `kioskd` and `kiosk-bench` with `-c release` and `kioskd` as the
        package ships it (`.ci/release-flags.sh`, into `.build-release`), installs
        python-escpos 3.1 and persist-queue 1.1.0 into a venv under `out/`, and runs `kiosk-bench all`;
        its options go to `kiosk-bench all`: `--large` adds the 1,000,000-event sizes, `--intakes N`
        sets the scan-to-first-byte count, `--only WORD,...` runs the sections whose titles hold a word.)
        Wall-clock figures move with the machine's load, which is given per section.

        | | |
        | --- | --- |
        | commit | \(gitDescription()) |
        | run | \(isoTime(started)) to \(isoTime(finished)) |
        | machine | \(machineDescription()) |
        | load (1, 5, 15 min) before | \(loadBefore) |
        | load after | \(loadAfter) |
        | peers | \(python.map { peerVersions(python: $0) } ?? "not run (no --python)") |


        """
    page += body
    if !missing.isEmpty {
        page +=
            "## Not in this report\n\nSubcommands of this `kiosk-bench` that `kiosk-bench all` does not run yet: "
            + missing.map { "`\($0)`" }.joined(separator: ", ") + ".\n"
    }
    try page.write(toFile: out, atomically: true, encoding: .utf8)
    FileHandleOutput.standardError("wrote \(out)\n")
}

private func describe(_ section: BenchmarkSection, python: String, large: Bool) -> String {
    switch section.command {
    case .bench(let args):
        return (["kiosk-bench"] + args + (large ? section.large : [])).map { $0 == "$PYTHON" ? python : $0 }.joined(
            separator: " ")
    case .peer(let script, let args):
        return ([python, "Sources/kiosk-bench/peers/" + script] + args + (large ? section.large : [])).joined(
            separator: " ")
    }
}

/// The subcommand names in this executable's usage text (`  kiosk-bench NAME …` lines).
private func usageSubcommands() -> [String] {
    usage.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard words.count >= 2, words[0] == "kiosk-bench", words[1].first?.isLetter == true else { return nil }
        return String(words[1])
    }
}

private func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: ", ")
}

private func isoTime(_ date: Date) -> String {
    Timestamp(unixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)), offsetSeconds: 0).description
}

private func gitDescription() -> String {
    guard let head = try? runChild("/usr/bin/env", ["git", "rev-parse", "--short=12", "HEAD"]) else {
        return "unknown (not a git checkout)"
    }
    let branch = (try? runChild("/usr/bin/env", ["git", "rev-parse", "--abbrev-ref", "HEAD"])) ?? ""
    let dirty = (try? runChild("/usr/bin/env", ["git", "status", "--porcelain", "--untracked-files=no"])) ?? ""
    let changed = dirty.split(separator: "\n").filter { !$0.hasSuffix("docs/benchmarks.md") }
    return
        "`\(head.trimmingCharacters(in: .whitespacesAndNewlines))` (\(branch.trimmingCharacters(in: .whitespacesAndNewlines)))"
        + (changed.isEmpty ? "" : ", with uncommitted changes to \(changed.count) file(s)")
}

private func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model =
        cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }.map {
            $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
        } ?? "?"
    let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
    let memory =
        meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }.flatMap {
            Double($0.split(separator: " ")[1]).map { String(format: "%.1f GiB", $0 / 1_048_576) }
        } ?? "?"
    var name = utsname()
    uname(&name)
    let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let swift = (try? runChild("/usr/bin/env", ["swift", "--version"]))?.split(separator: "\n").first.map(String.init)
    return "nproc \(sysconf(Int32(_SC_NPROCESSORS_ONLN))), \(model), \(memory), Linux \(release) \(machine)"
        + (swift.map { ", " + $0 } ?? "")
}

private func peerVersions(python: String) -> String {
    let script = """
        import importlib.metadata as m
        print(", ".join(n + " " + m.version(n) for n in ["python-escpos", "persist-queue"]))
        """
    let versions = (try? runChild(python, ["-c", script]))?.trimmingCharacters(in: .whitespacesAndNewlines)
    return (versions ?? "unknown") + " (`\(python)`)"
}
