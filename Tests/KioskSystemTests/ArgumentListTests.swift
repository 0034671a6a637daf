import Testing

@testable import KioskSystem

@Suite struct ArgumentListTests {
    @Test func readsFlagsOptionsAndPositionals() throws {
        var args = ArgumentList(["queue", "--json", "list", "--config=/etc/k.conf", "--limit", "5"])
        let json = args.flag("--json")
        let config = try args.option("--config")
        let limit = try args.option("--limit")
        let first = args.next()
        let second = args.next()
        let third = args.next()
        #expect(json)
        #expect(config == "/etc/k.conf")
        #expect(limit == "5")
        #expect(first == "queue")
        #expect(second == "list")
        #expect(third == nil)
        try args.expectEnd()
    }

    @Test func reportsMissingValuesAndLeftovers() {
        var args = ArgumentList(["--config"])
        var threw = false
        do { _ = try args.option("--config") } catch { threw = true }
        #expect(threw)
        let left = ArgumentList(["--bogus"])
        #expect(throws: ArgumentList.UsageError.self) { try left.expectEnd() }
    }
}
