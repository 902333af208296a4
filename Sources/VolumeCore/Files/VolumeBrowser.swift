#if canImport(Glibc)
    import Glibc
#endif

/// Where a volume's files are read from.
public enum FileSource: Sendable, Equatable {
    /// voltop reads the volume's Mountpoint itself: root, a local socket, a readable `_data`.
    case direct(mountpoint: String)
    /// A never-started helper container with the volume mounted read-only, read over the archive API.
    case helper(containerID: String)

    /// One word for the pane title and `voltop du`: `direct` or `helper`.
    public var name: String {
        switch self {
        case .direct: return "direct"
        case .helper: return "helper"
        }
    }

    /// Whether entries can be deleted through this source (the helper's mount is read-only).
    public var canDelete: Bool {
        if case .direct = self { return true }
        return false
    }
}

/// Which source the caller wants.
public enum SourcePreference: String, Sendable, CaseIterable {
    /// Direct when it can run, else a helper container.
    case auto
    /// Direct only; fails with a message saying why it cannot run.
    case direct
    /// A helper container even where direct reads would work.
    case helper
}

/// The first bytes of a file inside a volume.
public struct FilePreview: Sendable, Equatable {
    /// At most the bytes asked for, from the start of the file.
    public var bytes: [UInt8]
    /// The file's whole size in bytes.
    public var size: Int64

    /// Whether the file is longer than `bytes`.
    public var isTruncated: Bool { Int64(bytes.count) < size }

    /// A preview from its parts.
    public init(bytes: [UInt8], size: Int64) {
        self.bytes = bytes
        self.size = size
    }
}
