import AsyncHTTPClient
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Moving a volume's files through the engine: export (an archive out of a reading helper), import (an archive
/// into a writing helper) and clone (one helper's archive streamed into another's), all with the archive endpoints
/// of created, never-started helper containers, so they work on remote engines and without root.
extension DockerEngine {
    /// What an export, import or clone moved.
    public struct TransferResult: Sendable, Equatable {
        /// Entries in the archive.
        public var entries: Int
        /// Bytes of the tar stream.
        public var tarBytes: Int64
        /// Whether the volume was created by this run (import, clone).
        public var createdVolume: Bool
    }

    /// Runs `body` with a helper for `volume`, then removes the helper, also when `body` fails or is cancelled
    /// (the removal runs outside the cancelled task: a cancelled task's requests are cancelled too).
    func withHelper<T>(
        volume: String, writable: Bool = false, createdVolumeAt: String? = nil, _ body: (String) async throws -> T
    ) async throws -> T {
        let image = try await helperImage()
        let id = try await createHelper(volume: volume, image: image, writable: writable, createdVolumeAt: createdVolumeAt)
        do {
            let result = try await body(id)
            try await Task { try await self.removeHelper(id) }.value
            return result
        } catch {
            _ = try? await Task { try await self.removeHelper(id) }.value
            throw error
        }
    }

    /// A rough size of a volume for progress (the engine's figure), nil when unknown.
    public func sizeEstimate(_ volume: String) async -> Int64? {
        guard let usage = try? await diskUsage(), let size = usage[volume]?.size, size >= 0 else { return nil }
        return size
    }

    /// `PUT /containers/{id}/archive?path=`: extracts a tar stream into the helper at `path`.
    func putArchive<Body: AsyncSequence & Sendable>(_ id: String, path: String, body: Body, volume: String) async throws
    where Body.Element == ByteBuffer {
        let reply = try await http.upload(
            .PUT, self.path("/containers/\(EngineHTTP.encode(id))/archive"), byteQuery: [("path", Array(path.utf8))], body: body)
        guard reply.status == 200 else {
            throw failure(reply, "writing the archive into volume \(Sanitizer.inline(volume)) through the helper container")
        }
    }

    /// Whether the volume mounted in a helper at `mountPath` holds any entry (reads the archive's first entries only).
    func isEmpty(helper id: String, mountPath: String) async throws -> Bool {
        guard let body = try await archive(id, path: Array((mountPath + "/.").utf8)) else { return true }
        var reader = TarReader()
        var seen = 0
        do {
            for try await chunk in body {
                try chunk.withUnsafeReadableBytes { raw in
                    try reader.feed(raw) { entry in
                        if !HelperRead.components(of: entry.name).isEmpty { seen += 1 }
                    }
                }
                if seen > 0 || reader.isFinished { break }  // dropping the body closes the stream
            }
        } catch {
            throw HelperRead.streamFailure(error, reading: "the volume")
        }
        return seen == 0
    }

    /// The running containers that mount `volume` read-write: a copy taken meanwhile may be inconsistent.
    public func runningWriters(of volume: String) async throws -> [Container] {
        try await containers(filters: ["volume": [volume]]).filter { container in
            !container.isVoltopHelper && container.isRunning
                && container.mounts.contains { $0.type == "volume" && $0.name == volume && $0.isReadWrite }
        }
    }

    // MARK: Export

    /// Streams the volume's files as a tar archive (names `./…`, the volume's top as `./`; modes, owners, times,
    /// symlinks and hard links as the engine's archive holds them) to `write`, chunk by chunk.
    ///
    /// `progress` gets the running count of tar bytes. A helper container is created for the read and removed after,
    /// on errors and cancellation too. Works in read-only mode (nothing of the user's is changed).
    public func exportVolume(
        _ name: String, progress: (@Sendable (Int64) -> Void)? = nil, to write: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> TransferResult {
        _ = try await volume(name)
        return try await withHelper(volume: name) { id in
            guard let body = try await archive(id, path: Array("/volume/.".utf8)) else {
                throw EngineError(.notFound, "the helper container for volume \(Sanitizer.inline(name)) does not see the volume")
            }
            var reader = TarReader()
            var bytes: Int64 = 0
            do {
                for try await chunk in body {
                    try Task.checkCancellation()
                    try chunk.withUnsafeReadableBytes { raw in
                        if !reader.isFinished { try reader.feed(raw) { _ in } }
                        try write(raw)
                    }
                    bytes = bytes.saturatingAdd(Int64(chunk.readableBytes))
                    progress?(bytes)
                }
            } catch {
                throw HelperRead.streamFailure(error, reading: "volume \(Sanitizer.inline(name))")
            }
            try Task.checkCancellation()
            guard reader.isFinished else {
                throw EngineError(.malformedResponse, "the engine's archive stream ended before the end of the archive")
            }
            return TransferResult(entries: reader.entryCount, tarBytes: bytes, createdVolume: false)
        }
    }

    // MARK: Import

    /// Fills a volume from an archive: every entry is checked first (`ArchiveFile.check`; one refused entry and
    /// nothing is written), the volume is created when missing (local driver), a volume that holds files is refused
    /// unless `force` (same names are then replaced), and the archive goes in through a writing helper.
    ///
    /// A failed or cancelled import removes the volume if it created it; the helper is always removed.
    ///
    /// With `creating`, the volume must be new and is created as the request says (a restore from the trash).
    public func importVolume(
        _ name: String, from file: ArchiveFile, force: Bool = false, creating request: VolumeCreateRequest? = nil,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> TransferResult {
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: import into \(Sanitizer.inline(name)) was not done. Run without --read-only")
        }
        let checked = try file.check()
        var createdAt: String?
        if let request {
            createdAt = try await createVolume(request).createdAt ?? ""
        } else {
            do {
                _ = try await volume(name)
            } catch let error as EngineError where error.code == .notFound {
                createdAt = try await createVolume(VolumeCreateRequest(name: name)).createdAt ?? ""
            }
        }
        do {
            try await withHelper(volume: name, writable: true, createdVolumeAt: createdAt) { id in
                if createdAt == nil, !force, !(try await isEmpty(helper: id, mountPath: Container.writeMountPath)) {
                    throw EngineError(
                        .conflict,
                        "volume \(Sanitizer.inline(name)) is not empty: nothing was written. Pass --force to write into it "
                            + "(entries of the same name are replaced), or import into a new volume")
                }
                try await putArchive(id, path: Container.writeMountPath, body: file.body(progress: progress), volume: name)
            }
        } catch {
            if createdAt != nil { await removeCreated(name) }
            throw error
        }
        return TransferResult(entries: checked.entries, tarBytes: checked.tarBytes, createdVolume: createdAt != nil)
    }

    /// Removes a volume this run created and could not fill, outside any cancelled task.
    func removeCreated(_ name: String) async {
        _ = try? await Task { try await self.removeVolume(name) }.value
    }

    // MARK: Clone

    /// Why a volume cannot be cloned by copying its files, or nil: a local volume bound to a host directory
    /// (`o=bind`) would share that directory with its clone, so the copy would write onto the source itself.
    static func cloneRefusal(_ source: Volume) -> String? {
        guard source.driver == "local", let o = source.options["o"] else { return nil }
        let flags = o.split(separator: ",").map { $0.trimmingBlanks() }
        guard flags.contains("bind") || flags.contains("rbind") else { return nil }
        return "volume \(Sanitizer.inline(source.name)) is bound to a host directory (driver option o=\(Sanitizer.inline(o))): "
            + "a clone with the same options would share that directory. Create the target yourself, then `voltop export` "
            + "the source and `voltop import` it"
    }

    /// Makes `target`, a new volume with the source's driver, labels and options, and copies the source's files
    /// into it, streamed from the source's helper into the target's without a temporary file.
    ///
    /// Refuses a target that exists. A failed or cancelled clone removes the target; both helpers are removed.
    public func cloneVolume(_ source: String, to target: String, progress: (@Sendable (Int64) -> Void)? = nil) async throws
        -> TransferResult
    {
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: clone of \(Sanitizer.inline(source)) was not done. Run without --read-only")
        }
        let (original, _) = try await volume(source)
        if let refusal = Self.cloneRefusal(original) { throw EngineError(.invalidArgument, refusal) }
        let created = try await createVolume(
            VolumeCreateRequest(name: target, driver: original.driver, labels: original.labels, options: original.options))
        do {
            let bytes = try await withHelper(volume: source) { sourceHelper in
                try await withHelper(volume: target, writable: true, createdVolumeAt: created.createdAt ?? "") { targetHelper in
                    guard let body = try await archive(sourceHelper, path: Array("/volume/.".utf8)) else {
                        throw EngineError(.notFound, "the helper container for volume \(Sanitizer.inline(source)) does not see the volume")
                    }
                    let counted = CountedBody(base: body, progress: progress)
                    try await putArchive(targetHelper, path: Container.writeMountPath, body: counted, volume: target)
                    return counted.total
                }
            }
            return TransferResult(entries: 0, tarBytes: bytes, createdVolume: true)
        } catch {
            await removeCreated(target)
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw error
        }
    }
}

/// A byte stream passed through unchanged, its bytes counted (for progress and the result).
struct CountedBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let progress: (@Sendable (Int64) -> Void)?
    private let counter = Counter()

    init(base: Base, progress: (@Sendable (Int64) -> Void)?) {
        self.base = base
        self.progress = progress
    }

    /// Bytes passed through so far.
    var total: Int64 { counter.value }

    final class Counter: @unchecked Sendable {
        private let lock = ThreadLock()
        private var stored: Int64 = 0
        var value: Int64 { lock.withLock { stored } }
        func add(_ n: Int) -> Int64 {
            lock.withLock {
                stored = stored.saturatingAdd(Int64(n))
                return stored
            }
        }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let counter: Counter
        let progress: (@Sendable (Int64) -> Void)?

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            let total = counter.add(chunk.readableBytes)
            progress?(total)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), counter: counter, progress: progress) }
}
