import KioskControl
import Testing

@testable import KioskService

/// A small deterministic generator (SplitMix64), so a failing case can be replayed.
struct FuzzRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RequestFuzz {
    static let seeds = [
        #"{"request":"status","id":1}"#, #"{"request":"queue","limit":5}"#, #"{"request":"requeue","all":true}"#,
        #"{"request":"lookup","code":"HN1-240501-0001","print":true}"#,
        #"{"request":"intake","idCard":"001099012345|||Nguy\u1ec5n V\u0103n A|01011990|Nam|H\u00e0 N\u1ed9i|01012021","procedure":"1.001234"}"#,
        #"{"request":"scan","text":"\ud83d\ude00 \"q\" \\ \/"}"#, #"[1,[2,[3,{"a":null}]],-9223372036854775808]"#,
    ]
    static let alphabet =
        Array(#"{}[]":,\/"u0123456789abcdefABCDEF-+.eEtrufalsn "#.utf8) + [
            0x00, 0x0A, 0x0D, 0xC3, 0xA9, 0xED, 0xA0, 0x80, 0xFF,
        ]

    /// A random line: pure noise, or a seed with random bytes flipped, inserted, deleted, or cut.
    static func line(_ random: inout FuzzRandom) -> [UInt8] {
        if random.next() % 4 == 0 {
            return (0..<Int(random.next() % 64)).map { _ in
                random.next() % 2 == 0
                    ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
        }
        var bytes = Array(seeds[Int(random.next() % UInt64(seeds.count))].utf8)
        for _ in 0..<(1 + Int(random.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            let byte =
                random.next() % 3 == 0
                ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next() % UInt64(alphabet.count))]
            switch random.next() % 5 {
            case 0 where !bytes.isEmpty: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes = Array(bytes[..<position])
            default: bytes.insert(contentsOf: bytes[position...].prefix(8), at: position)
            }
        }
        return bytes
    }
}

@Suite("Control socket fuzzing")
struct ControlFuzzTests {
    @Test func readerAndDecoderNeverCrash() {
        var random = FuzzRandom(state: 0x5EED)
        var parsed = 0
        for _ in 0..<50_000 {
            let line = RequestFuzz.line(&random)
            guard let value = try? ControlValue.parse(line) else { continue }
            parsed += 1
            // Whatever parses survives a round trip through the writer, and decodes or is refused.
            #expect((try? ControlValue.parse(Array(value.json.utf8))) == value)
            _ = try? ControlRequest.decode(value)
        }
        #expect(parsed > 100)
    }

    @Test func fuzzedLinesNeverStopTheServer() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let outcome = try await onThread { () -> (Bool, ControlValue?) in
            var random = FuzzRandom(state: 42)
            var everyLineAnswered = true
            for _ in 0..<20 {
                let connection = try rig.raw()
                for _ in 0..<50 {
                    // One request per line: the fuzzed bytes' own newlines would split it.
                    let line = RequestFuzz.line(&random).filter { $0 != 0x0A }
                    guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { continue }
                    connection.send(line + [0x0A])
                    guard let answer = connection.answer(), answer["ok"] != nil else {
                        everyLineAnswered = false
                        break
                    }
                }
            }
            return (everyLineAnswered, try rig.raw().exchange(#"{"request":"status","id":"after"}"#))
        }
        #expect(outcome.0)
        #expect(outcome.1 == .object(["ok": .bool(true), "call": .string("status"), "id": .string("after")]))
    }

    @Test func rawNoiseThenAGoodRequestOnTheSameConnection() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let answered = try await onThread { () -> Bool in
            var random = FuzzRandom(state: 7)
            let connection = try rig.raw()
            // Lines of noise with their own newlines, none longer than the cap.
            var noise: [UInt8] = []
            for _ in 0..<400 { noise += RequestFuzz.line(&random) + [0x0A] }
            connection.send(noise + Array("\n{\"request\":\"status\",\"id\":\"after-noise\"}\n".utf8))
            while let answer = connection.answer() {
                if answer["id"] == .string("after-noise") { return answer["call"] == .string("status") }
            }
            return false
        }
        #expect(answered)
    }
}
