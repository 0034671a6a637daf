// TEMPORARY (store branch only): the lead writes the real main.swift.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "enqueue" {
    try await runEnqueueBenchmark(arguments: Array(arguments.dropFirst()))
} else {
    print("usage: kiosk-bench enqueue [--count N] [--backlog N] [--dir PATH] [--json]")
}
