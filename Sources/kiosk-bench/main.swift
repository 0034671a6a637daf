// TEMPORARY (forwarding branch): the lead writes the real main.swift. Routes
// `kiosk-bench drain …` (or no subcommand) to the drain benchmark.
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "drain" { arguments.removeFirst() }
try await runDrainBenchmark(arguments: arguments)
