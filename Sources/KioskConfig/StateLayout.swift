/// Where the service keeps its files under `StateDirectory=`.
public struct StateLayout: Sendable, Equatable {
    /// The state directory itself.
    public var directory: String

    /// Creates the layout for a state directory.
    public init(directory: String) { self.directory = directory }

    /// The SQLite database: dossiers, outbox, print jobs, statuses.
    public var database: String { directory.hasSuffix("/") ? directory + "kiosk.db" : directory + "/kiosk.db" }
}
