import KioskForwarding
import KioskProtocol
import Testing

@Suite("Backoff and Retry-After")
struct BackoffTests {
    @Test("waits follow full jitter under a doubling ceiling up to the cap, and reset after success")
    func fullJitter() {
        var backoff = Backoff(base: 1, cap: 300, random: SeededRandom(seed: 42))
        var waits: [Double] = []
        for _ in 0..<12 { waits.append(backoff.nextDelay()) }
        for (attempt, wait) in waits.enumerated() {
            #expect(wait >= 0 && wait <= min(300, Double(1 << attempt)))
        }
        #expect(backoff.ceiling(forAttempt: 0) == 1)
        #expect(backoff.ceiling(forAttempt: 8) == 256)
        #expect(backoff.ceiling(forAttempt: 9) == 300)
        #expect(backoff.ceiling(forAttempt: 10_000) == 300)
        // Jitter: not all the same fraction of the ceiling.
        #expect(Set(waits.enumerated().map { $1 / min(300, Double(1 << $0)) }).count > 6)
        backoff.reset()
        #expect(backoff.attempt == 0)
        #expect(backoff.nextDelay() <= 1)
    }

    @Test("the same seed gives the same waits")
    func deterministic() {
        var a = Backoff(random: SeededRandom(seed: 7))
        var b = Backoff(random: SeededRandom(seed: 7))
        for _ in 0..<20 { #expect(a.nextDelay() == b.nextDelay()) }
    }

    @Test("Retry-After in seconds")
    func deltaSeconds() {
        #expect(RetryAfter.delay("1", now: 0) == 1)
        #expect(RetryAfter.delay(" 120 ", now: 0) == 120)
        #expect(RetryAfter.delay("0", now: 0) == 0)
        #expect(RetryAfter.delay("-5", now: 0) == nil)
        #expect(RetryAfter.delay("1.5", now: 0) == nil)
        #expect(RetryAfter.delay("", now: 0) == nil)
        #expect(RetryAfter.delay("soon", now: 0) == nil)
        #expect(RetryAfter.delay("99999999999999999999999", now: 0) == 999_999_999_999)
    }

    @Test("Retry-After as an HTTP-date, in all three forms, relative to now")
    func httpDate() {
        // 1994-11-06T08:49:37Z = 784111777
        #expect(HTTPDate.unixSeconds("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.unixSeconds("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.unixSeconds("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770) == 7)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_800) == 0)
        #expect(HTTPDate.unixSeconds("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(HTTPDate.unixSeconds("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.unixSeconds("Sun, 06 Nov 1994 08:49:37 PST") == nil)
        #expect(HTTPDate.unixSeconds("") == nil)
        #expect(HTTPDate.format(unixSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        let now: Int64 = 1_795_000_000
        #expect(HTTPDate.unixSeconds(HTTPDate.format(unixSeconds: now)) == now)
        #expect(HTTPDate.format(unixSeconds: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test("An HTTP-date before year 1000 is written with four year digits and reads back (found by fuzzing)")
    func httpDateEarlyYear() throws {
        let seconds = try #require(HTTPDate.unixSeconds("Sun, 16 Nov 0997 08:49:37 GMT"))
        let text = HTTPDate.format(unixSeconds: seconds)
        #expect(text.hasSuffix(" 16 Nov 0997 08:49:37 GMT"))
        #expect(HTTPDate.unixSeconds(text) == seconds)
        let first = try #require(HTTPDate.unixSeconds("Mon, 01 Jan 0001 00:00:00 GMT"))
        #expect(HTTPDate.format(unixSeconds: first).hasSuffix(" 01 Jan 0001 00:00:00 GMT"))
    }
}
