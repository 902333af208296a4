#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Every change voltop makes, one JSON line each, appended to `$XDG_STATE_HOME/voltop/audit.jsonl` (default
/// `~/.local/state/voltop/audit.jsonl`; file 0600, directory 0700, never through a symbolic link: `LogFile.open`).
public struct AuditLog: Sendable {
    /// One change.
    public struct Entry: Codable, Sendable, Equatable {
        /// When (RFC 3339, UTC).
        public var time: String
        /// Who (`name (uid N)`).
        public var user: String
        /// The engine's address.
        public var engine: String
        /// `create`, `rm`, `prune`, `file-delete`, `import`, `clone`, `restore` or `purge`.
        public var action: String
        /// The volumes (or trash items, or files) it concerned.
        public var names: [String]
        /// Bytes moved or freed, when known.
        public var bytes: Int64?
        /// `ok`, or `failed: WHY`.
        public var result: String

        /// An entry stamped now, by the current user.
        public init(action: String, engine: String, names: [String], bytes: Int64? = nil, result: String, time: Date = Date()) {
            self.time = time.formatted(.iso8601)
            self.user = DockerEngine.currentUser
            self.engine = engine
            self.action = action
            self.names = names
            self.bytes = bytes
            self.result = result
        }

        public func encode(to encoder: Encoder) throws {
            // Every key always present (`bytes` null when unknown).
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(time, forKey: .time)
            try c.encode(user, forKey: .user)
            try c.encode(engine, forKey: .engine)
            try c.encode(action, forKey: .action)
            try c.encode(names, forKey: .names)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(result, forKey: .result)
        }
    }

    /// The directory holding `audit.jsonl`.
    public let directory: String

    /// The log's path.
    public var path: String { directory + "/audit.jsonl" }

    /// This user's log (from `XDG_STATE_HOME` / `HOME`).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> AuditLog {
        AuditLog(directory: LogFile.directory(environment: environment))
    }

    /// A log in `directory`.
    public init(directory: String) { self.directory = directory }

    /// Appends one line (one write of the whole line, so concurrent voltop processes never interleave within a line).
    ///
    /// - Throws: `EngineError` saying why the line could not be written (the caller reports it; never silent).
    public func append(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(0x0A)
        let fd = try LogFile.open(directory: directory, name: "audit.jsonl")
        defer { close(fd) }
        let written = line.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0, raw.count) } ?? -1 }
        guard written == line.count else {
            let code = written < 0 ? errno : ENOSPC
            throw EngineError(.engineFailure, "writing the audit log \(Sanitizer.inline(path)) failed: \(String(cString: strerror(code)))")
        }
    }

    /// The entries, oldest first; lines that do not parse are skipped and counted.
    public func entries() throws -> (entries: [Entry], unreadable: Int) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return ([], 0) }
            throw EngineError(.engineFailure, "cannot read the audit log \(Sanitizer.inline(path)): \(String(cString: strerror(errno)))")
        }
        let data = FileDescriptorReader.readAll(fd, closing: true)
        var entries: [Entry] = []
        var unreadable = 0
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            if let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) {
                entries.append(entry)
            } else {
                unreadable += 1
            }
        }
        return (entries, unreadable)
    }
}
