import VolumeCore

/// An open volume's files as the file runtime reads them; `VolumeBrowser` conforms, tests use a fake.
public protocol VolumeFileSource: Sendable {
    /// Where the files are read from (direct or a helper container).
    var source: FileSource { get }
    /// Scans the tree under `path`, reporting progress.
    func scan(path: [[UInt8]], progress: (@Sendable (ScanProgress) -> Void)?) async throws -> ScanTree
    /// At most `maxBytes` of a file from `offset` (helper mode: from 0 only).
    func preview(path: [[UInt8]], offset: Int64, maxBytes: Int) async throws -> FilePreview
    /// Removes a file or directory tree, if it is still of `kind`.
    func remove(path: [[UInt8]], expecting kind: ScanTree.Kind?) async throws
    /// Closes the source (a helper container is removed).
    func close(quickly: Bool) async
}

extension VolumeBrowser: VolumeFileSource {}
