import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

let usage = """
    kiosk-bench — benchmarks of the kiosk controller (build with -c release; see docs/benchmarks.md)

    Usage:
      kiosk-bench enqueue [--count N] [--backlog N] [--dir PATH] [--json]
          durable enqueues per second (synchronous=FULL), empty outbox vs a large backlog
      kiosk-bench store-flat [--sizes 0,100000] [--count N] [--purges N] [--pages N] [--dir PATH] [--json]
          the store as the kiosk ages: enqueue, summary and purge at each backlog size, the
          intake cycle beside persist-queue; --pages N: WAL pages each commit writes, by table
      kiosk-bench drain [--events N] [--batch-sizes 100,500] [--json]
          drain a backlog to a loopback kiosk-central: events/s and peak memory
      kiosk-bench receipt [--profiles DIR] [--count N] [--receipts N]
          intake receipt per printer profile: bytes and wire time (text, mixed, raster),
          encode time, and throughput through a pty to the emulated printer
      kiosk-bench receipt-form [--profiles DIR]
          the real intake receipt (national form) per profile, 1 and 2 copies: bytes, length in
          mm, wire time at 9600 and 115200 baud
      kiosk-bench receipt-bytes [--profiles DIR] [--python PATH] [--peers DIR]
          the national-form receipt per profile and path (code page, user-defined, raster),
          wire time at 9600 and 115200 baud, beside python-escpos on the same document
      kiosk-bench scanner [--count N] [--json]
          evdev events decoded per second; Enter-to-parsed-scan latency p50/p99
      kiosk-bench make-capture --text TEXT --keymap us --out FILE [--alt-codes]
          write the input_event records a keyboard-wedge scanner would send (Hardware/captures)
      kiosk-bench intake [--count N] [--asb] [--back-to-back] [--no-status] [--json] [--verbose]
          scan-to-first-byte: Enter on the scanner FIFO to the first receipt byte, p50/p99;
          --asb with Automatic Status Back, --back-to-back intakes per second
      kiosk-bench idle [--kioskd PATH] [--starts N] [--settle SECONDS] [--profile NAME]
          a kioskd process on emulated hardware: spawn to READY=1, idle RSS and its mappings
      kiosk-bench encode [--count N] [--python PATH]
          receipt encode time per printer profile, side by side with python-escpos
      kiosk-bench all [--out FILE] [--python PATH] [--large] [--only NAME,...] [--list]
          run every benchmark docs/benchmarks.md quotes and write that page anew
      kiosk-bench emulate --printer PATH [--profile NAME] [--out DIR] [--scanner PATH] [--owner USER]
          emulated printer (and serial scanner typing standard input) on pseudo-terminals
      kiosk-bench crash-worker --db PATH --central URL --key FILE [--kiosk ID] [--events N]
          the process the crash test kills with SIGKILL (writes and forwards events)
      kiosk-bench printer-socket --socket PATH --out DIR [--profile NAME] [--profiles DIR]
          a ready printer at a VM serial port's unix-socket host end (.ci/realkernel)
      kiosk-bench printer-socket --device PATH --out DIR [--paper-out-file FILE] [...]
          the same on a character device: the USB printer gadget's /dev/g_printer0 (.ci/realkernel)
    """

var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.isEmpty ? "--help" : arguments.removeFirst()
do {
    switch command {
    case "enqueue": try await runEnqueueBenchmark(arguments: arguments)
    case "drain": try await runDrainBenchmark(arguments: arguments)
    case "store-flat": try await runStoreFlatBenchmark(arguments: arguments)
    case "receipt": try await runReceiptBenchmark(arguments: arguments)
    case "receipt-form": try runReceiptFormBenchmark(arguments: arguments)
    case "receipt-bytes": try runReceiptBytesBenchmark(arguments: arguments)
    case "crash-worker": try await runCrashWorker(arguments: arguments)
    case "intake": try await runIntakeBenchmark(arguments: arguments)
    case "make-capture": try runCaptureTool(arguments: arguments)
    case "scanner": try await runScannerBenchmark(arguments: arguments)
    case "idle": try await runIdleBenchmark(arguments: arguments)
    case "encode": try runEncodeBenchmark(arguments: arguments)
    case "all": try runAllBenchmarks(arguments: arguments)
    case "emulate": try await runEmulatorTool(arguments: arguments)
    case "printer-socket": try runPrinterSocket(arguments: arguments)
    case "--help", "-h", "help": print(usage)
    default:
        FileHandleOutput.standardError("kiosk-bench: unknown command \(command)\n\(usage)\n")
        exit(2)
    }
} catch let error as BenchUsage {
    FileHandleOutput.standardError("kiosk-bench: \(error)\n")
    exit(2)
} catch {
    FileHandleOutput.standardError("kiosk-bench: \(error)\n")
    exit(1)
}
