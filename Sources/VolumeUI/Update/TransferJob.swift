import VolumeCore

/// Long work the dashboard starts and can cancel: restore from the trash, clone, export.
public enum TransferJob: Sendable, Equatable {
    /// Restore a trash item under `name` (its own, or a new one).
    case restore(Trash.Item, as: String)
    /// Clone `source` into the new volume `target`.
    case clone(source: String, target: String)
    /// Export a volume's files to the archive file `path` (gzip for .tar.gz/.tgz); `sizeBytes` is its size, if known.
    case export(volume: String, path: String, sizeBytes: Int64?)

    /// What the status line says runs: `restoring data`.
    public var verb: String {
        switch self {
        case .restore(_, let name): return "restoring \(Sanitizer.inline(name))"
        case .clone(let source, let target): return "cloning \(Sanitizer.inline(source)) to \(Sanitizer.inline(target))"
        case .export(let volume, let path, _): return "exporting \(Sanitizer.inline(volume)) to \(Sanitizer.inline(path))"
        }
    }

    /// The bytes expected, when known (a trash item's archive length; a volume's size).
    public var total: Int64? {
        switch self {
        case .restore(let item, _): return item.archiveBytes
        case .clone: return nil
        case .export(_, _, let size): return size
        }
    }

    /// The audit log's action and names.
    public var audit: (action: String, names: [String])? {
        switch self {
        case .restore(let item, let name): return ("restore", [item.name, name])
        case .clone(let source, let target): return ("clone", [source, target])
        case .export: return nil
        }
    }
}

/// How a transfer ended.
public enum TransferEnd: Sendable, Equatable {
    /// It completed: the archive bytes moved.
    case done(bytes: Int64)
    /// It failed: why.
    case failed(EngineError)
    /// Esc cancelled it; nothing was left behind.
    case cancelled
}
