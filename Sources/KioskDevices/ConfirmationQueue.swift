/// Matches the checks after jobs with the claims on their outcome (`PrinterLink.confirm()`,
/// `claimConfirmation()`): each job written whole is confirmed once, in the order the jobs
/// were sent. A check may settle before its claim comes (kept until then) or after.
struct ConfirmationQueue {
    /// Most settled outcomes kept for claims that have not come yet.
    static let maximumKept = 32

    private var outcomes: [PrintOutcome] = []
    private var claims: [PrintConfirmation] = []
    /// Jobs written whole whose check has not settled.
    private var unsettled = 0

    /// A job went out whole; its check is running.
    mutating func sent() { unsettled += 1 }

    /// A check settled: the claim to resolve with `outcome`, or nil when it is kept for the
    /// next claim.
    mutating func settled(_ outcome: PrintOutcome) -> PrintConfirmation? {
        unsettled = max(0, unsettled - 1)
        if !claims.isEmpty { return claims.removeFirst() }
        outcomes.append(outcome)
        if outcomes.count > Self.maximumKept { outcomes.removeFirst() }
        return nil
    }

    /// A claim on the oldest unclaimed job's outcome: resolved already when its check settled
    /// (or when no job waits for one).
    mutating func claim(lastKnown: PrinterState) -> PrintConfirmation {
        if !outcomes.isEmpty { return PrintConfirmation(resolved: outcomes.removeFirst()) }
        guard unsettled > claims.count else {
            return PrintConfirmation(
                resolved: .unconfirmed(stateAfter: lastKnown, detail: "no job written whole waits for its check"))
        }
        let claim = PrintConfirmation()
        claims.append(claim)
        return claim
    }

    /// The claims left when the link stops.
    mutating func abandon() -> [PrintConfirmation] {
        defer { claims = [] }
        return claims
    }
}
