/// How a transaction starts: `BEGIN DEFERRED`, `BEGIN IMMEDIATE` or `BEGIN EXCLUSIVE`.
///
/// Writers should use ``immediate``: it takes the write lock at `BEGIN`, so a busy database
/// is waited on by the busy timeout there instead of failing half-way with `SQLITE_BUSY`.
public enum TransactionKind: String, Sendable {
    /// Takes locks lazily, on first read or write.
    case deferred = "DEFERRED"
    /// Takes the write lock at once.
    case immediate = "IMMEDIATE"
    /// Takes the write lock at once and, outside WAL mode, keeps readers out.
    case exclusive = "EXCLUSIVE"
}
