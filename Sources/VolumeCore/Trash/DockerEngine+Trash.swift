#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Removal through the trash, and restore: the one path `voltop rm`, `voltop prune` and the dashboard share.
extension DockerEngine {
    /// Who runs voltop, for the trash and the audit log: `name (uid N)`.
    public static var currentUser: String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "\(String(cString: name)) (uid \(uid))" }
        return "uid \(uid)"
    }

    /// Why a volume of `size` bytes is not kept by `trash`, or nil when it is (or the size is unknown: then the
    /// copy stops at the cap and the volume is not removed).
    public static func notKeptReason(size: Int64?, trash: Trash?) -> String? {
        guard let trash else { return "--no-trash" }
        guard let size, size > trash.policy.maxVolumeBytes else { return nil }
        return "\(Format.bytes(size)) is over the trash's \(Format.bytes(trash.policy.maxVolumeBytes)) cap per volume"
    }

    /// Removes a volume, keeping a copy in the trash first (files and metadata) unless `trash` is nil or the
    /// volume is over its size cap. Returns the kept item, nil when none was kept.
    ///
    /// A volume in use is refused before anything is copied. When the copy fails (disk full, engine error, over
    /// the cap), the volume is NOT removed and the error says why; when the removal fails after the copy, the copy
    /// is discarded.
    public func removeVolumeKeeping(
        _ name: String, trash: Trash?, command: String, knownSize: Int64? = nil, force: Bool = false, formerOwners: [String] = []
    ) async throws -> Trash.Item? {
        guard let trash else {
            try await removeVolume(name, force: force)
            return nil
        }
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: removing volume \(Sanitizer.inline(name)) was not done. Run without --read-only")
        }
        let original: Volume
        do {
            original = try await volume(name).volume
        } catch let error as EngineError where error.code == .notFound && force {
            return nil
        }
        let users = try await containers(filters: ["volume": [name]]).filter { container in
            !container.isVoltopHelper && container.mounts.contains { $0.name == name }
        }
        if !users.isEmpty {
            throw EngineError.inUse(volume: name, owners: users, engineMessage: "")
        }
        var size = knownSize
        if size == nil { size = await sizeEstimate(name) }
        if Self.notKeptReason(size: size, trash: trash) != nil {
            try await removeVolume(name, force: force)
            return nil
        }
        let now = Date()
        let item = Trash.Item(
            id: Trash.newID(name: name, at: now), name: name, driver: original.driver, labels: original.labels, options: original.options,
            sizeBytes: size, archiveBytes: 0, owners: formerOwners, removedBy: Self.currentUser,
            removedAt: now.formatted(.iso8601), command: command, engine: endpoint.address, createdAt: original.createdAt)
        let kept: Trash.Item
        do {
            kept = try await trash.keep(item) { write in try await self.exportVolume(name, to: write).tarBytes }
        } catch let error as EngineError {
            // An engine that went away stays that (a prune stops at it); anything else is a failed copy.
            let kept: [EngineError.Code] = [.notFound, .unreachable, .timeout]
            throw EngineError(
                kept.contains(error.code) ? error.code : .engineFailure,
                "volume \(Sanitizer.inline(name)) was NOT removed: its copy could not be kept in the trash (\(Sanitizer.inline(trash.root))): "
                    + "\(error.message). Free space or purge the trash (voltop trash purge), or remove it with --no-trash",
                cause: error.cause)
        }
        do {
            try await removeVolume(name, force: false)
        } catch {
            trash.discard(kept)
            throw error
        }
        _ = try? trash.expire(keeping: kept.id)
        return kept
    }

    /// Makes a trash item a volume again (named `newName`, else its old name) with its driver, labels, options
    /// and files, then takes it out of the trash. Refuses a name that exists: nothing is overwritten.
    public func restore(_ item: Trash.Item, as newName: String? = nil, from trash: Trash, progress: (@Sendable (Int64) -> Void)? = nil)
        async throws -> TransferResult
    {
        let name = newName ?? item.name
        if (try? await volume(name)) != nil {
            throw EngineError(
                .conflict,
                "volume \(Sanitizer.inline(name)) exists: restore never overwrites a volume. Restore under another name with --as NEW, or remove it first"
            )
        }
        let file = try trash.archive(of: item)
        let request = VolumeCreateRequest(name: name, driver: item.driver, labels: item.labels, options: item.options)
        let result = try await importVolume(name, from: file, creating: request, progress: progress)
        trash.discard(item)
        return result
    }
}
