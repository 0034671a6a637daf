#if canImport(Glibc)
    import Glibc
#endif

/// Who kioskd runs as and what its unit lets it write: read from the installed
/// `kioskd.service` (`User=`, `Group=`, `SupplementaryGroups=`, `StateDirectory=`,
/// `ReadWritePaths=`, `ProtectSystem=`), so that `kioskctl config check` judges files and
/// devices as kioskd will meet them, not as root sees them.
public struct ServiceAccount: Sendable, Equatable {
    /// `User=`.
    public var user: String
    /// `Group=`.
    public var group: String
    /// `SupplementaryGroups=`.
    public var supplementaryGroups: [String]
    /// `StateDirectory=` as absolute paths (under /var/lib): systemd creates them at start.
    public var stateDirectories: [String]
    /// `ReadWritePaths=`.
    public var writablePaths: [String]
    /// `ProtectSystem=strict`: everything else is read-only for the service.
    public var protectsSystem: Bool
    /// The unit file read; nil for the packaged defaults.
    public var unitFile: String?

    /// Creates an account.
    public init(
        user: String, group: String, supplementaryGroups: [String], stateDirectories: [String],
        writablePaths: [String], protectsSystem: Bool, unitFile: String?
    ) {
        self.user = user
        self.group = group
        self.supplementaryGroups = supplementaryGroups
        self.stateDirectories = stateDirectories
        self.writablePaths = writablePaths
        self.protectsSystem = protectsSystem
        self.unitFile = unitFile
    }

    /// What the package's unit says (systemd/kioskd.service).
    public static let packaged = ServiceAccount(
        user: "kiosk", group: "kiosk", supplementaryGroups: ["dialout", "input", "lp"],
        stateDirectories: ["/var/lib/kiosk"],
        writablePaths: ["/run/kiosk"], protectsSystem: true, unitFile: nil)

    /// Where an installed unit is looked for, an administrator's copy first.
    public static let unitLocations = [
        "/etc/systemd/system/kioskd.service", "/lib/systemd/system/kioskd.service",
        "/usr/lib/systemd/system/kioskd.service",
    ]

    /// The installed unit's account, else the packaged defaults.
    public static func installed() -> ServiceAccount {
        for path in unitLocations where access(path, R_OK) == 0 {
            if let account = fromUnit(path: path) { return account }
        }
        return packaged
    }

    /// Reads the `[Service]` settings of a unit file; nil when it cannot be read.
    public static func fromUnit(path: String) -> ServiceAccount? {
        guard case .success(let bytes) = ConfigFile.contents(path: path) else { return nil }
        var account = ServiceAccount(
            user: "root", group: "", supplementaryGroups: [], stateDirectories: [], writablePaths: [],
            protectsSystem: false, unitFile: path)
        var inService = false
        for raw in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let line = raw.trimmingWhitespace
            if line.hasPrefix("[") {
                inService = line == "[Service]"
                continue
            }
            guard inService, !line.hasPrefix("#"), !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else {
                continue
            }
            let key = line[..<equals].trimmingWhitespace
            let value = line[line.index(after: equals)...].trimmingWhitespace
            let words = value.split(separator: " ").map(String.init)
            switch key {
            case "User": account.user = value
            case "Group": account.group = value
            case "SupplementaryGroups":
                if words.isEmpty { account.supplementaryGroups = [] } else { account.supplementaryGroups += words }
            case "StateDirectory":
                if words.isEmpty { account.stateDirectories = [] }
                account.stateDirectories += words.map { "/var/lib/" + $0 }
            case "ReadWritePaths":
                if words.isEmpty { account.writablePaths = [] }
                account.writablePaths += words.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 }
            case "ProtectSystem": account.protectsSystem = value == "strict"
            default: break
            }
        }
        if account.group.isEmpty { account.group = account.user }
        return account
    }

    /// The user's ids as the kernel will check them; nil when the user does not exist.
    func identity() -> Identity? {
        guard let entry = getpwnam(user) else { return nil }
        let uid = entry.pointee.pw_uid
        let primary = getgrnam(group)?.pointee.gr_gid ?? entry.pointee.pw_gid
        var groups: Set<gid_t> = [primary, entry.pointee.pw_gid]
        for name in supplementaryGroups {
            if let found = getgrnam(name) { groups.insert(found.pointee.gr_gid) }
        }
        return Identity(uid: uid, groups: groups)
    }

    /// A user id and its groups.
    struct Identity {
        var uid: uid_t
        var groups: Set<gid_t>

        /// Whether this identity may `want` (4 read, 2 write, 1 search/execute) the file.
        func may(_ want: mode_t, _ info: stat) -> Bool {
            if uid == 0 { return want & 1 == 0 || info.st_mode & 0o111 != 0 || info.st_mode & S_IFMT == S_IFDIR }
            let mode = info.st_mode
            let bits: mode_t
            if info.st_uid == uid {
                bits = (mode >> 6) & 7
            } else if groups.contains(info.st_gid) {
                bits = (mode >> 3) & 7
            } else {
                bits = mode & 7
            }
            return bits & want == want
        }

        /// The first directory above `path` this identity may not search, nil when none.
        func blockingAncestor(of path: String) -> String? {
            var prefix = ""
            let parts = path.split(separator: "/").dropLast()
            for part in [""] + parts.map(String.init) {
                prefix = part.isEmpty ? "/" : (prefix == "/" ? "/" : prefix + "/") + part
                var info = stat()
                guard stat(prefix, &info) == 0 else { return nil }
                if !may(1, info) { return prefix }
            }
            return nil
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }
}
