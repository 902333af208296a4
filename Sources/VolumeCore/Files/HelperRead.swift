import AsyncHTTPClient
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads through a helper container: archive streams turned into trees and previews.
enum HelperRead {
    /// Where the volume is mounted inside every helper.
    static let mountPath: [UInt8] = Array("/volume".utf8)

    static func containerPath(_ components: [[UInt8]]) -> [UInt8] {
        components.reduce(mountPath) { $0 + [0x2F] + $1 }
    }

    /// Checks each directory on the way (a `HEAD` stat each): it must exist and be a directory, not a symlink.
    ///
    /// The engine would resolve a symlink on the way inside the helper's own root filesystem; refusing it keeps
    /// every read inside the volume, as direct reads do.
    static func checkDirectories(engine: DockerEngine, helper: String, _ components: ArraySlice<[UInt8]>) async throws {
        var walked: [[UInt8]] = []
        for component in components {
            walked.append(component)
            let shown = Sanitizer.inline(bytes: Array(walked.joined(separator: [0x2F])))
            guard let stat = try await engine.archiveStat(helper, path: containerPath(walked)) else {
                throw EngineError(.notFound, "no such entry: \(shown) in the volume")
            }
            if stat.isSymlink {
                throw EngineError(.conflict, "\(shown) in the volume is a symbolic link: voltop never follows links inside a volume")
            }
            guard stat.isDirectory else {
                throw EngineError(.conflict, "\(shown) in the volume is \(stat.kindText), not a directory")
            }
        }
    }

    /// Components of an archive entry's name below the archive's root (`./a/b/` → `a`, `b`; `./` → none).
    static func components(of name: [UInt8]) -> [[UInt8]] {
        name.split(separator: 0x2F, omittingEmptySubsequences: true).filter { $0 != [0x2E] }.map(Array.init)
    }

    /// Allocated bytes estimated for a tar entry: length rounded up to 4 KiB for files, 4 KiB per directory.
    static func estimatedAllocation(kind: ScanTree.Kind, size: Int64) -> Int64 {
        switch kind {
        case .file: return (size + 4095) / 4096 * 4096
        case .directory: return 4096
        default: return 0
        }
    }

    static func scan(
        engine: DockerEngine, helper: String, path: [[UInt8]], progress: (@Sendable (ScanProgress) -> Void)?
    ) async throws -> ScanTree {
        try await checkDirectories(engine: engine, helper: helper, path[...])
        let target = containerPath(path) + Array("/.".utf8)
        guard let body = try await engine.archive(helper, path: target) else {
            throw EngineError(.notFound, "no such entry: \(Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))) in the volume")
        }
        var reader = TarReader()
        var tree = ArchiveTree(rootPath: String(decoding: mountPath, as: UTF8.self), relativePath: path)
        let clock = ContinuousClock()
        var lastReport = clock.now
        do {
            for try await chunk in body {
                try Task.checkCancellation()
                try chunk.withUnsafeReadableBytes { raw in try reader.feed(raw) { try tree.add($0) } }
                if let progress, clock.now - lastReport >= .milliseconds(50) {
                    lastReport = clock.now
                    progress(tree.progress)
                }
                if reader.isFinished { break }  // dropping the body closes the stream; the daemon's lock goes with it
            }
        } catch {
            throw streamFailure(error, reading: "the volume")
        }
        try Task.checkCancellation()
        guard reader.isFinished else {
            throw EngineError(.malformedResponse, "the engine's archive stream ended before the end of the archive")
        }
        progress?(tree.progress)
        return try tree.builder.build()
    }

    /// What an archive stream threw, as the caller should see it: engine errors and cancellation as they are,
    /// anything else (the connection broke) as an unreachable engine.
    static func streamFailure(_ error: any Error, reading what: String) -> any Error {
        if error is EngineError { return error }
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        return EngineError(.unreachable, "the engine's archive stream broke off while reading \(what)", cause: "\(error)")
    }

    static func preview(engine: DockerEngine, helper: String, path: [[UInt8]], maxBytes: Int) async throws -> FilePreview {
        try await checkDirectories(engine: engine, helper: helper, path.dropLast())
        let shown = Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))
        guard let body = try await engine.archive(helper, path: containerPath(path)) else {
            throw EngineError(.notFound, "no such entry: \(shown) in the volume")
        }
        var reader = TarReader(captureLimit: maxBytes)
        var first: TarEntry?
        do {
            for try await chunk in body {
                try Task.checkCancellation()
                try chunk.withUnsafeReadableBytes { raw in
                    try reader.feed(raw) { entry in
                        if first == nil { first = entry }
                    }
                }
                if first != nil || reader.isFinished { break }  // the rest is not needed: dropping the body closes the stream
            }
        } catch {
            throw streamFailure(error, reading: shown)
        }
        guard let entry = first else {
            throw EngineError(.malformedResponse, "the engine's archive of \(shown) holds no entry")
        }
        switch entry.kind {
        case .file where !entry.isHardLink:
            return FilePreview(bytes: entry.bodyPrefix, size: entry.size)
        case .directory: throw EngineError(.invalidArgument, "\(shown) is a directory: nothing to preview")
        case .symlink: throw EngineError(.invalidArgument, "\(shown) is a symbolic link: nothing to preview (voltop never follows links)")
        case .file:
            throw EngineError(.invalidArgument, "\(shown) is a hard link the archive did not carry the data for: nothing to preview")
        default: throw EngineError(.invalidArgument, "\(shown) is a special file (device, pipe or socket): nothing to preview")
        }
    }
}

/// A `ScanTree` in the making from tar entries: sizes as `ScanTree.isFromArchive` documents, progress counted.
struct ArchiveTree {
    var builder: ScanTreeBuilder
    /// Entries (the root included), directories, and bytes counted so far.
    private(set) var progress = ScanProgress(entries: 1, directories: 1, apparentBytes: 0, allocatedBytes: 4096)

    init(rootPath: String, relativePath: [[UInt8]]) {
        builder = ScanTreeBuilder(rootPath: rootPath, relativePath: relativePath)
        builder.setRoot(apparent: 0, allocated: HelperRead.estimatedAllocation(kind: .directory, size: 0), mtime: 0)
    }

    /// Adds one archive entry (`./`, `./a/b`, …; the root entry sets the root's time).
    mutating func add(_ entry: TarEntry) throws {
        let kind = entry.kind
        guard kind != .unknown else { return }  // volume labels, dump directories: nothing on disk
        let parts = HelperRead.components(of: entry.name)
        var apparent: Int64 = 0
        var allocated: Int64 = 0
        var duplicate = false
        switch kind {
        case .file where entry.isHardLink:
            // The archive names the first name in `linkName`; the inode was counted there.
            if let first = builder.find(HelperRead.components(of: entry.linkName)) {
                let sizes = builder.sizes(of: first)
                (apparent, allocated, duplicate) = (sizes.apparent, sizes.allocated, true)
            }
        case .file:
            apparent = entry.size
            allocated = HelperRead.estimatedAllocation(kind: .file, size: entry.size)
        case .symlink:
            apparent = Int64(entry.linkName.count)
        case .directory:
            allocated = HelperRead.estimatedAllocation(kind: .directory, size: 0)
        default:
            break
        }
        if parts.isEmpty {
            // The root itself (`./`): only its time is news.
            builder.setRoot(apparent: 0, allocated: HelperRead.estimatedAllocation(kind: .directory, size: 0), mtime: entry.mtime)
            return
        }
        let before = builder.count
        try builder.add(
            parts, kind: kind, apparent: apparent, allocated: allocated, mtime: entry.mtime, isDuplicateLink: duplicate,
            linkTarget: kind == .symlink ? entry.linkName : nil)
        // Directories made up on the way count as entries too.
        progress.entries += builder.count - before
        if kind == .directory { progress.directories += 1 }
        if !duplicate {
            progress.apparentBytes = progress.apparentBytes.saturatingAdd(apparent)
            progress.allocatedBytes = progress.allocatedBytes.saturatingAdd(allocated)
        }
    }
}
