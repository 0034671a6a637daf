func runEnqueueBenchmark(arguments: [String]) async throws { throw BenchUsage("enqueue: arrives with the store branch") }
