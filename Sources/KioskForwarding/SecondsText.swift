/// Seconds with three decimals (`1.250`), as the log's `retry_in_s` fields give them:
/// `String(format: "%.3f", seconds)` without Foundation (halves to even, as printf).
func secondsText(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e15 else { return "\(seconds)" }
    let milliseconds = Int((abs(seconds) * 1000).rounded(.toNearestOrEven))
    let fraction = String(milliseconds % 1000)
    let sign = seconds < 0 && milliseconds > 0 ? "-" : ""
    return sign + "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
