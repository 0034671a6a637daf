import Synchronization
import Testing

@testable import KioskSystem

@Suite struct LoggerTests {
    @Test func rendersPriorityPrefixAndFields() {
        let line = LogLine(.warning, "printer paper-out", [("device", "/dev/ttyUSB0"), ("reason", "paper end sensor")])
        #expect(line.rendered == "<4>printer paper-out device=/dev/ttyUSB0 reason=\"paper end sensor\"")
    }

    @Test func keepsOneEventOnOneLine() {
        let line = LogLine(.info, "a\nb", [("k", "x\ny"), ("q", "say \"hi\"")])
        #expect(line.rendered == "<6>a b k=\"x y\" q=\"say \\\"hi\\\"\"")
    }

    @Test func filtersBelowMinimum() {
        let lines = Mutex<[String]>([])
        let logger = Logger(minimum: .notice, sink: { l in lines.withLock { $0.append(l) } })
        logger.log(.debug, "hidden")
        logger.log(.info, "hidden too")
        logger.log(.error, "shown")
        logger.setMinimum(.debug)
        logger.log(.debug, "now shown")
        #expect(lines.withLock { $0 } == ["<3>shown", "<7>now shown"])
    }
}
