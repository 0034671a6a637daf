import Testing

@testable import KioskSystem

@Suite struct ArgumentListTests {
    @Test func readsFlagsOptionsAndPositionals() throws {
        var args = ArgumentList(["queue", "--json", "list", "--config=/etc/k.conf", "--limit", "5"])
        #expect(args.flag("--json"))
        #expect(try args.option("--config") == "/etc/k.conf")
        #expect(try args.option("--limit") == "5")
        #expect(args.next() == "queue")
        #expect(args.next() == "list")
        #expect(args.next() == nil)
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
