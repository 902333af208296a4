#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The size and free space of the filesystem that holds the engine's data root.
public struct DiskSpace: Sendable, Equatable {
    /// The filesystem's size in bytes.
    public var totalBytes: Int64
    /// Bytes free for ordinary writers (as `df` shows "Avail").
    public var freeBytes: Int64

    public init(totalBytes: Int64, freeBytes: Int64) {
        self.totalBytes = totalBytes
        self.freeBytes = freeBytes
    }

    /// How full, 0...100 (as `df` computes "Use%": used over used plus available).
    public var usedPercent: Int {
        let used = max(0, totalBytes &- freeBytes)
        let whole = Double(used) + Double(max(0, freeBytes))
        guard whole > 0 else { return 0 }
        return Int((Double(used) * 100 / whole).rounded(.up))
    }

    /// The filesystem that holds `path` (nil when it cannot be seen).
    public static func of(path: String) -> DiskSpace? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let unit = Int64(info.f_frsize > 0 ? info.f_frsize : info.f_bsize)
        func bytes(_ blocks: UInt) -> Int64 {
            let (value, overflow) = Int64(clamping: blocks).multipliedReportingOverflow(by: unit)
            return overflow ? Int64.max : value
        }
        let total = bytes(UInt(info.f_blocks))
        // Used is total minus free-for-root; shown as df does: avail is what ordinary writers get.
        let avail = bytes(UInt(info.f_bavail))
        let used = total &- bytes(UInt(info.f_bfree))
        return DiskSpace(totalBytes: used &+ avail, freeBytes: avail)
    }
}

extension DockerEngine {
    /// Where the engine keeps its data (`DockerRootDir` from `/info`, e.g. `/var/lib/docker`).
    public func dataRoot() async throws -> String {
        let reply = try await read("/info")
        guard reply.status == 200 else { throw failure(reply, "reading the engine's data root (GET /info)") }
        struct Info: Decodable {
            var DockerRootDir: String?
        }
        guard let root = try? JSONDecoder().decode(Info.self, from: reply.body).DockerRootDir, root.hasPrefix("/") else {
            throw EngineError(.malformedResponse, "the engine's /info names no data root (DockerRootDir)")
        }
        return root
    }

    /// The free space of the filesystem that holds the engine's data root, seen from here: only for a local engine
    /// whose files this process can reach (the error says why not).
    public func diskSpace() async -> Result<DiskSpace, EngineError> {
        guard case .success(let daemon) = engineDaemon() else {
            return .failure(
                EngineError(.invalidArgument, "the engine's disk is not visible from here (remote engine or another namespace)"))
        }
        do {
            let root = try await dataRoot()
            let seenAt = daemon.root == "/" ? root : daemon.root + root
            guard let space = DiskSpace.of(path: seenAt) else {
                return .failure(EngineError(.permissionDenied, "cannot read the free space of \(Sanitizer.inline(root)) from here"))
            }
            return .success(space)
        } catch {
            return .failure(error as? EngineError ?? EngineError(.engineFailure, "\(error)"))
        }
    }
}
