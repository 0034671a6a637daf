/// Waits for `condition`, checked every 5 ms, at most `timeout` (an observable event, never a
/// fixed wait); returns its last value.
package func waitUntil(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
