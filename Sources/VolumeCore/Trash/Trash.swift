import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Removed volumes kept for a while: each one's files as a tar archive plus its metadata, under
/// `$XDG_DATA_HOME/voltop/trash` (default `~/.local/share/voltop/trash`).
///
/// Layout: `trash/ID/volume.tar` and `trash/ID/meta.json` (files 0600, directories 0700). Every directory below
/// the data home is opened with `O_NOFOLLOW` and every file created with `O_EXCL | O_NOFOLLOW`: a symbolic link
/// planted there is refused, never followed.
public struct Trash: Sendable {
    /// The limits: volumes over `maxVolumeBytes` are not kept; items beyond `maxTotalBytes` (oldest first) and
    /// older than `retention` are purged.
    public struct Policy: Sendable, Equatable {
        /// The largest volume kept (bytes).
        public var maxVolumeBytes: Int64
        /// The most the trash holds in all (bytes).
        public var maxTotalBytes: Int64
        /// How long an item is kept (seconds).
        public var retention: TimeInterval

        /// 1 GiB per volume, 10 GiB in all, 7 days.
        public static let standard = Policy(maxVolumeBytes: 1 << 30, maxTotalBytes: 10 << 30, retention: 7 * 24 * 3600)

        /// A policy from its limits.
        public init(maxVolumeBytes: Int64, maxTotalBytes: Int64, retention: TimeInterval) {
            self.maxVolumeBytes = maxVolumeBytes
            self.maxTotalBytes = maxTotalBytes
            self.retention = retention
        }

        /// The policy the configuration file's `[trash]` section set (the standard one when none did).
        public static var configured: Policy { configuredPolicy.withLock { $0 } }

        /// Sets the policy of the configuration file (`[trash]`); the environment still wins over it.
        public static func configure(_ policy: Policy) { configuredPolicy.withLock { $0 = policy } }

        private static let configuredPolicy = Mutex(Policy.standard)

        /// A size as the trash's limits take it: bytes, or with a K/M/G/T suffix (`512M`, `1GiB`, `2 GB` is not);
        /// nil when it is not one.
        public static func size(_ text: String) -> Int64? { try? bytes(text, "size") }

        /// `base` (the configured policy by default) changed by `VOLTOP_TRASH_MAX_VOLUME`, `VOLTOP_TRASH_MAX_TOTAL`
        /// (bytes, or with a K/M/G/T suffix) and `VOLTOP_TRASH_DAYS`: the environment wins over the configuration
        /// file. A value that does not parse is an error.
        public static func from(environment: [String: String], base: Policy = configured) throws -> Policy {
            var policy = base
            if let text = environment["VOLTOP_TRASH_MAX_VOLUME"], !text.isEmpty {
                policy.maxVolumeBytes = try bytes(text, "VOLTOP_TRASH_MAX_VOLUME")
            }
            if let text = environment["VOLTOP_TRASH_MAX_TOTAL"], !text.isEmpty {
                policy.maxTotalBytes = try bytes(text, "VOLTOP_TRASH_MAX_TOTAL")
            }
            if let text = environment["VOLTOP_TRASH_DAYS"], !text.isEmpty {
                guard let days = Double(text), days >= 0, days < 100_000 else {
                    throw EngineError(
                        .invalidArgument, "VOLTOP_TRASH_DAYS=\(Sanitizer.inline(text)) is not a number of days (e.g. 7 or 0.5)")
                }
                policy.retention = days * 24 * 3600
            }
            return policy
        }

        static func bytes(_ text: String, _ name: String) throws -> Int64 {
            let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
            var digits = text.uppercased()
            if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
            var unit: Int64 = 1
            if let last = digits.last, let u = units[last] {
                unit = u
                digits.removeLast()
            }
            guard let value = Double(digits), value >= 0, value * Double(unit) < 9e18 else {
                throw EngineError(.invalidArgument, "\(name)=\(Sanitizer.inline(text)) is not a size: give bytes, or e.g. 512M, 2G")
            }
            return Int64(value * Double(unit))
        }

        /// How long items are kept, in words ("7 days").
        public var retentionText: String {
            let days = retention / (24 * 3600)
            if days == days.rounded() { return Format.count(Int(days), "day") }
            let hours = Int((retention / 3600).rounded())
            return Format.count(hours, "hour")
        }
    }

    /// One kept volume.
    public struct Item: Codable, Sendable, Equatable {
        /// The item's directory name (`20261201T030405Z-NAME-XXXX`).
        public var id: String
        /// The volume's name when it was removed.
        public var name: String
        /// Its driver, labels and driver options (restored as they were).
        public var driver: String
        /// The volume's labels.
        public var labels: [String: String]
        /// The volume's driver options.
        public var options: [String: String]
        /// Its size as voltop knew it when removing (disk usage or the engine's figure), nil when unknown.
        public var sizeBytes: Int64?
        /// The archive's length in bytes.
        public var archiveBytes: Int64
        /// The containers that referenced it when it was removed (stopped ones; names).
        public var owners: [String]
        /// Who removed it (user name and uid).
        public var removedBy: String
        /// When it was removed (RFC 3339, UTC).
        public var removedAt: String
        /// Which command removed it (`rm`, `prune`, `dashboard d`, …).
        public var command: String
        /// The engine it was removed from.
        public var engine: String
        /// When it was created, as the engine said.
        public var createdAt: String?

        /// The removal time as a date.
        public var removed: Date? { try? Date.ISO8601FormatStyle().parse(removedAt) }

        /// An item from its parts.
        public init(
            id: String, name: String, driver: String, labels: [String: String], options: [String: String], sizeBytes: Int64?,
            archiveBytes: Int64, owners: [String], removedBy: String, removedAt: String, command: String, engine: String,
            createdAt: String?
        ) {
            self.id = id
            self.name = name
            self.driver = driver
            self.labels = labels
            self.options = options
            self.sizeBytes = sizeBytes
            self.archiveBytes = archiveBytes
            self.owners = owners
            self.removedBy = removedBy
            self.removedAt = removedAt
            self.command = command
            self.engine = engine
            self.createdAt = createdAt
        }
    }

    /// `$XDG_DATA_HOME/voltop/trash`, or `$HOME/.local/share/voltop/trash`.
    public let root: String
    /// The limits in force.
    public let policy: Policy

    /// The trash of this user (from the environment), with the environment's policy.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Trash {
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/tmp") + "/.local/share")
        return Trash(root: base + "/voltop/trash", policy: try Policy.from(environment: environment, base: .configured))
    }

    /// A trash at `root` with `policy`.
    public init(root: String, policy: Policy = .standard) {
        self.root = root
        self.policy = policy
    }

    // MARK: Safe file access

    /// Opens (creating with 0700 when missing) `voltop/trash` below the data home, never following a link there.
    func openRoot(create: Bool) throws -> Int32? {
        let trashURL = URL(fileURLWithPath: root)
        let voltop = trashURL.deletingLastPathComponent()
        let base = voltop.deletingLastPathComponent().path
        if create { try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true) }
        let baseFD = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard baseFD >= 0 else {
            if !create && errno == ENOENT { return nil }
            throw Self.failure(errno, "cannot open \(Sanitizer.inline(base))")
        }
        defer { close(baseFD) }
        guard let voltopFD = try Self.openDirectory(baseFD, voltop.lastPathComponent, create: create, shown: voltop.path) else {
            return nil
        }
        defer { close(voltopFD) }
        return try Self.openDirectory(voltopFD, trashURL.lastPathComponent, create: create, shown: root)
    }

    /// `openat(parent, name, O_DIRECTORY | O_NOFOLLOW)`, after `mkdirat(…, 0700)` when `create`; nil when missing.
    static func openDirectory(_ parent: Int32, _ name: String, create: Bool, shown: String) throws -> Int32? {
        if create, mkdirat(parent, name, 0o700) != 0, errno != EEXIST {
            throw failure(errno, "cannot create \(Sanitizer.inline(shown))")
        }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT && !create { return nil }
            if errno == ELOOP || errno == ENOTDIR {
                throw EngineError(
                    .conflict,
                    "\(Sanitizer.inline(shown)) is a symbolic link or not a directory: voltop does not follow links in its trash. Remove it, or set XDG_DATA_HOME elsewhere"
                )
            }
            throw failure(errno, "cannot open \(Sanitizer.inline(shown))")
        }
        return fd
    }

    static func failure(_ code: Int32, _ what: String) -> EngineError {
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return EngineError(.engineFailure, "\(what): the disk is full (\(reason))")
        }
        return EngineError(code == EACCES || code == EPERM ? .permissionDenied : .engineFailure, "\(what): \(reason)")
    }

    /// Creates a file 0600 below `dir` (`O_EXCL | O_NOFOLLOW`).
    static func createFile(_ dir: Int32, _ name: String, shown: String) throws -> Int32 {
        let fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(errno, "cannot create \(Sanitizer.inline(shown))") }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, shown: String) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(n < 0 ? errno : ENOSPC, "writing \(Sanitizer.inline(shown)) failed") }
            offset += n
        }
    }

    /// Removes an item directory and what it holds (two files; nothing below is followed).
    static func removeItem(_ rootFD: Int32, _ id: String) {
        let fd = openat(rootFD, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            for name in ["volume.tar", "volume.tar.partial", "meta.json", "meta.json.partial"] { unlinkat(fd, name, 0) }
            close(fd)
        }
        unlinkat(rootFD, id, AT_REMOVEDIR)
    }

    // MARK: Items

    /// The items, oldest first (unreadable or partial ones are left out).
    public func items() throws -> [Item] {
        guard let rootFD = try openRoot(create: false) else { return [] }
        defer { close(rootFD) }
        return try Self.items(rootFD)
    }

    static func items(_ rootFD: Int32) throws -> [Item] {
        let dup = dup(rootFD)
        guard dup >= 0, let dir = fdopendir(dup) else { throw failure(errno, "cannot list the trash") }
        defer { closedir(dir) }
        var ids: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { ids.append(name) }
        }
        var items: [Item] = []
        for id in ids {
            guard let itemFD = try? openDirectory(rootFD, id, create: false, shown: id) else { continue }
            defer { close(itemFD) }
            let fd = openat(itemFD, "meta.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let data = FileDescriptorReader.readAll(fd, limit: 1 << 20, closing: true)
            guard let item = try? JSONDecoder().decode(Item.self, from: Data(data)),
                item.id == id, faccessat(itemFD, "volume.tar", F_OK, AT_SYMLINK_NOFOLLOW) == 0
            else { continue }
            items.append(item)
        }
        return items.sorted { ($0.removedAt, $0.id) < ($1.removedAt, $1.id) }
    }

    /// The archive of an item, opened for reading (never through a link).
    public func archive(of item: Item) throws -> ArchiveFile {
        guard let rootFD = try openRoot(create: false),
            let itemFD = try? Self.openDirectory(rootFD, item.id, create: false, shown: root + "/" + item.id)
        else {
            throw EngineError(.notFound, "the trash holds no item \(Sanitizer.inline(item.id))")
        }
        defer {
            close(itemFD)
            close(rootFD)
        }
        let fd = openat(itemFD, "volume.tar", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure(errno, "cannot open the archive of \(Sanitizer.inline(item.name)) in the trash") }
        return try ArchiveFile(descriptor: fd, shownName: "the trash's copy of \(item.name)")
    }

    /// The items that match names (a volume name: its newest item; or an item id).
    public func find(_ names: [String]) throws -> (found: [Item], missing: [String]) {
        let all = try items()
        var found: [Item] = []
        var missing: [String] = []
        for name in names {
            if let item = all.first(where: { $0.id == name }) ?? all.last(where: { $0.name == name }) {
                if !found.contains(item) { found.append(item) }
            } else {
                missing.append(name)
            }
        }
        return (found, missing)
    }

    /// Removes items from the trash; returns how many.
    @discardableResult
    public func purge(_ items: [Item]) throws -> Int {
        guard let rootFD = try openRoot(create: false) else { return 0 }
        defer { close(rootFD) }
        for item in items { Self.removeItem(rootFD, item.id) }
        return items.count
    }

    /// Removes what the policy no longer keeps: items older than the retention, then the oldest while the total
    /// is over the cap (never `keeping`). Returns the items removed.
    @discardableResult
    public func expire(now: Date = Date(), keeping: String? = nil) throws -> [Item] {
        guard let rootFD = try openRoot(create: false) else { return [] }
        defer { close(rootFD) }
        var all = try Self.items(rootFD)
        var gone: [Item] = []
        for item in all where item.id != keeping {
            if let removed = item.removed, now.timeIntervalSince(removed) > policy.retention {
                gone.append(item)
            }
        }
        all.removeAll { item in gone.contains { $0.id == item.id } }
        var total = all.lazy.map(\.archiveBytes).saturatingSizeSum()
        for item in all where total > policy.maxTotalBytes && item.id != keeping {
            gone.append(item)
            total = total.saturatingSubtract(item.archiveBytes)
        }
        for item in gone { Self.removeItem(rootFD, item.id) }
        return gone
    }

    // MARK: Keeping

    /// Writes one volume into the trash: `export` streams the archive into the writer it is given; the metadata
    /// is written after the archive is complete. On any failure the partial item is removed and the error says why.
    public func keep(_ item: Item, export: ((UnsafeRawBufferPointer) throws -> Void) async throws -> Int64) async throws -> Item {
        guard let rootFD = try openRoot(create: true) else {
            throw EngineError(.engineFailure, "cannot create the trash at \(Sanitizer.inline(root))")
        }
        defer { close(rootFD) }
        var item = item
        let shown = root + "/" + item.id
        guard mkdirat(rootFD, item.id, 0o700) == 0 else { throw Self.failure(errno, "cannot create \(Sanitizer.inline(shown))") }
        do {
            guard let itemFD = try Self.openDirectory(rootFD, item.id, create: false, shown: shown) else {
                throw EngineError(.engineFailure, "the trash item \(Sanitizer.inline(shown)) vanished")
            }
            defer { close(itemFD) }
            let tarFD = try Self.createFile(itemFD, "volume.tar.partial", shown: shown + "/volume.tar")
            var bytes: Int64 = 0
            do {
                let limit = policy.maxVolumeBytes
                var written: Int64 = 0
                bytes = try await export { chunk in
                    written = written.saturatingAdd(Int64(chunk.count))
                    if written > limit.saturatingAdd(1 << 20) {
                        throw EngineError(
                            .conflict,
                            "volume \(Sanitizer.inline(item.name)) is larger than the trash keeps (\(Format.bytes(limit)), VOLTOP_TRASH_MAX_VOLUME)"
                        )
                    }
                    try Self.writeAll(tarFD, chunk, shown: shown + "/volume.tar")
                }
                guard fsync(tarFD) == 0 else { throw Self.failure(errno, "writing \(Sanitizer.inline(shown))/volume.tar failed") }
                close(tarFD)
            } catch {
                close(tarFD)
                throw error
            }
            guard renameat(itemFD, "volume.tar.partial", itemFD, "volume.tar") == 0 else {
                throw Self.failure(errno, "cannot name \(Sanitizer.inline(shown))/volume.tar")
            }
            item.archiveBytes = bytes
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(item)
            let metaFD = try Self.createFile(itemFD, "meta.json.partial", shown: shown + "/meta.json")
            do {
                try data.withUnsafeBytes { try Self.writeAll(metaFD, $0, shown: shown + "/meta.json") }
                guard fsync(metaFD) == 0 else { throw Self.failure(errno, "writing \(Sanitizer.inline(shown))/meta.json failed") }
                close(metaFD)
            } catch {
                close(metaFD)
                throw error
            }
            guard renameat(itemFD, "meta.json.partial", itemFD, "meta.json") == 0 else {
                throw Self.failure(errno, "cannot name \(Sanitizer.inline(shown))/meta.json")
            }
            return item
        } catch {
            Self.removeItem(rootFD, item.id)
            throw error
        }
    }

    /// Removes one item by id (after a volume that was kept could not be removed after all).
    public func discard(_ item: Item) {
        guard let rootFD = try? openRoot(create: false) else { return }
        Self.removeItem(rootFD, item.id)
        close(rootFD)
    }

    /// A new item id: the time, a name-derived part (letters, digits, `._-` only) and a random suffix.
    public static func newID(name: String, at date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var utc = tm()
        gmtime_r(&seconds, &utc)
        let stamp = CFormat.string(
            "%04d%02d%02dT%02d%02d%02dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec)
        let safe = String(
            name.unicodeScalars.prefix(40).map { s in
                (s.isASCIIAlphanumeric || "._-".unicodeScalars.contains(s)) ? Character(s) : "_"
            })
        return "\(stamp)-\(safe)-\(UUID().uuidString.prefix(6).lowercased())"
    }
}
