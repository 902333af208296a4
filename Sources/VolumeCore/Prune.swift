#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which unused volumes a prune considers.
public enum PruneMode: String, Sendable, Codable, CaseIterable {
    /// Only anonymous volumes no container references (the engine's default since API 1.42).
    case unusedAnonymous = "unused-anonymous"
    /// Every volume no container references, named ones included.
    case allUnused = "all-unused"

    /// How the mode reads in a title.
    public var title: String {
        switch self {
        case .unusedAnonymous: return "unused anonymous volumes"
        case .allUnused: return "all unused volumes"
        }
    }
}

/// A label filter: `key` matches any value, `key=value` an exact value.
public struct LabelFilter: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The label key.
    public var key: String
    /// The value to match, or nil for any value.
    public var value: String?

    /// Parses `key` or `key=value`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else {
            throw EngineError(.invalidArgument, "label filter \"\(Sanitizer.inline(text))\" has no key: use label=KEY or label=KEY=VALUE")
        }
        key = String(first)
        value = parts.count > 1 ? String(parts[1]) : nil
    }

    /// Whether a label set matches.
    public func matches(_ labels: [String: String]) -> Bool {
        guard let actual = labels[key] else { return false }
        return value == nil || value == actual
    }

    /// The engine's filter form: `key` or `key=value`.
    public var description: String { value.map { "\(key)=\($0)" } ?? key }
}

/// One volume a prune would remove.
public struct PruneCandidate: Sendable, Equatable, Codable {
    /// The volume name.
    public var name: String
    /// Whether it is anonymous.
    public var isAnonymous: Bool
    /// Its size in bytes, when the engine could measure it.
    public var sizeBytes: Int64?
    /// Its `CreatedAt` as the preview saw it: a volume removed and made again under the same name (or, on 20.10,
    /// whose top directory changed) since the preview is not the one the user saw, and is skipped.
    public var createdAt: String?
    /// Whether it carried the engine's anonymous label when previewed.
    public var hasAnonymousLabel: Bool = false

    public func encode(to encoder: Encoder) throws {
        // Every key always present (null when unknown).
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(isAnonymous, forKey: .isAnonymous)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(hasAnonymousLabel, forKey: .hasAnonymousLabel)
    }

    /// A candidate from its parts.
    public init(name: String, isAnonymous: Bool, sizeBytes: Int64?, createdAt: String? = nil, hasAnonymousLabel: Bool = false) {
        self.name = name
        self.isAnonymous = isAnonymous
        self.sizeBytes = sizeBytes
        self.createdAt = createdAt
        self.hasAnonymousLabel = hasAnonymousLabel
    }
}

/// What a prune would remove, shown to the user before anything goes.
public struct PrunePlan: Sendable, Equatable {
    /// The mode the plan was made in.
    public var mode: PruneMode
    /// The label filters that narrowed it.
    public var labelFilters: [LabelFilter]
    /// The volumes that would go, sorted by name.
    public var candidates: [PruneCandidate]
    /// Unused volumes that a prune never removes (other drivers, driver options), for the user's information.
    public var excluded: [String]
    /// How anonymous volumes were told apart (the preview says so).
    public var anonymity: AnonymityRule = .labelOrNameShape

    /// Sum of the candidates' known sizes.
    public var totalBytes: Int64 { candidates.lazy.compactMap(\.sizeBytes).saturatingSizeSum() }
    /// How many candidates have no known size.
    public var unknownSizeCount: Int { candidates.filter { $0.sizeBytes == nil }.count }

    /// Chooses the candidates from a catalog, the same way on every API version:
    /// local-driver volumes without driver options that no container (running, stopped or helper) references,
    /// anonymous ones only unless the mode is `allUnused`, and matching every label filter.
    public init(catalog: Catalog, mode: PruneMode, labelFilters: [LabelFilter] = []) {
        self.mode = mode
        self.labelFilters = labelFilters
        self.anonymity = catalog.entries.first?.anonymity ?? .labelOrNameShape
        var candidates: [PruneCandidate] = []
        var excluded: [String] = []
        for entry in catalog.entries where entry.isDangling {
            guard labelFilters.allSatisfy({ $0.matches(entry.volume.labels) }) else { continue }
            guard mode == .allUnused || entry.isAnonymous else { continue }
            guard entry.volume.driver == "local", entry.volume.options.isEmpty else {
                excluded.append(entry.name)
                continue
            }
            candidates.append(
                PruneCandidate(
                    name: entry.name, isAnonymous: entry.isAnonymous, sizeBytes: entry.size.knownBytes, createdAt: entry.volume.createdAt,
                    hasAnonymousLabel: entry.volume.labels[Volume.anonymousLabel] != nil))
        }
        self.candidates = candidates.sorted { $0.name < $1.name }
        self.excluded = excluded.sorted()
    }
}

/// Why a previewed volume was not removed.
public struct PruneSkip: Sendable, Equatable, Codable {
    /// The volume name.
    public var name: String
    /// `in-use`, `gone`, `changed` or `failed`.
    public var reason: String
    /// What the engine or voltop said.
    public var message: String

    /// A skip from its parts.
    public init(name: String, reason: String, message: String) {
        self.name = name
        self.reason = reason
        self.message = message
    }
}

/// What a prune did.
public struct PruneResult: Sendable, Equatable, Codable {
    /// The volumes removed.
    public var removed: [String]
    /// The previewed volumes left in place, and why.
    public var skipped: [PruneSkip]
    /// Bytes freed, from the preview's sizes of the removed volumes.
    public var reclaimedBytes: Int64
    /// The removed volumes a copy of which was kept in the trash.
    public var kept: [String] = []

    enum CodingKeys: String, CodingKey {
        case removed, skipped, reclaimedBytes, kept
    }

    public init(from decoder: Decoder) throws {
        // `kept` came later: a result without it kept nothing.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        removed = try c.decode([String].self, forKey: .removed)
        skipped = try c.decode([PruneSkip].self, forKey: .skipped)
        reclaimedBytes = try c.decode(Int64.self, forKey: .reclaimedBytes)
        kept = try c.decodeIfPresent([String].self, forKey: .kept) ?? []
    }

    /// A result from its parts.
    public init(removed: [String], skipped: [PruneSkip], reclaimedBytes: Int64, kept: [String] = []) {
        self.removed = removed
        self.skipped = skipped
        self.reclaimedBytes = reclaimedBytes
        self.kept = kept
    }
}

extension DockerEngine {
    /// The preview: what a prune in this mode would remove, with sizes and the total. Sends no write.
    public func prunePreview(mode: PruneMode, labelFilters: [LabelFilter] = []) async throws -> PrunePlan {
        var filters: [String: [String]] = ["dangling": ["true"]]
        if !labelFilters.isEmpty { filters["label"] = labelFilters.map(\.description) }
        let catalog = try await self.catalog(volumeFilters: filters, withSizes: true)
        return PrunePlan(catalog: catalog, mode: mode, labelFilters: labelFilters)
    }

    /// Removes exactly the previewed volumes, one `DELETE /volumes/{name}` each (never `POST /volumes/prune`).
    ///
    /// A volume that became in use or vanished since the preview is skipped and reported. With a `trash`, each one
    /// is first kept there (`removeVolumeKeeping`); one whose copy fails is not removed (reason `not-kept`).
    public func prune(_ plan: PrunePlan, trash: Trash? = nil, command: String = "prune") async throws -> PruneResult {
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: prune was not done. Run without --read-only to make changes")
        }
        var result = PruneResult(removed: [], skipped: [], reclaimedBytes: 0)
        for candidate in plan.candidates {
            do {
                // Removal is by name: the volume now under that name must be the one previewed.
                let (now, _) = try await volume(candidate.name)
                if let changed = Self.identityChange(of: candidate, now: now) {
                    // A volume that came into use also changes (20.10 reports _data's ctime): name its owners.
                    let owners = ((try? await containers(filters: ["volume": [candidate.name]])) ?? []).filter { container in
                        container.mounts.contains { $0.name == candidate.name }
                    }
                    if !owners.isEmpty {
                        let error = EngineError.inUse(volume: candidate.name, owners: owners, engineMessage: "")
                        result.skipped.append(PruneSkip(name: candidate.name, reason: "in-use", message: error.message))
                    } else {
                        result.skipped.append(PruneSkip(name: candidate.name, reason: "changed", message: changed))
                    }
                    continue
                }
                do {
                    if try await removeVolumeKeeping(candidate.name, trash: trash, command: command, knownSize: candidate.sizeBytes) != nil
                    {
                        result.kept.append(candidate.name)
                    }
                } catch let error as EngineError
                    where trash != nil && error.message.contains("was NOT removed") && error.code != .unreachable && error.code != .timeout
                {
                    result.skipped.append(PruneSkip(name: candidate.name, reason: "not-kept", message: error.message))
                    continue
                }
                result.removed.append(candidate.name)
                result.reclaimedBytes = result.reclaimedBytes.saturatingAdd(max(0, candidate.sizeBytes ?? 0))
            } catch let error as EngineError where error.code == .inUse {
                result.skipped.append(PruneSkip(name: candidate.name, reason: "in-use", message: error.message))
            } catch let error as EngineError where error.code == .notFound {
                result.skipped.append(PruneSkip(name: candidate.name, reason: "gone", message: "removed by someone else since the preview"))
            } catch let error as EngineError where error.code == .unreachable || error.code == .readOnly {
                throw error
            } catch {
                result.skipped.append(PruneSkip(name: candidate.name, reason: "failed", message: "\(error)"))
            }
        }
        return result
    }

    /// Why the volume now named like `candidate` is not the one previewed, or nil when it is.
    static func identityChange(of candidate: PruneCandidate, now: Volume) -> String? {
        if let before = candidate.createdAt, now.createdAt != before {
            return "volume was created again (or, on Docker 20.10, its top directory changed) since the preview "
                + "(CreatedAt \(Sanitizer.inline(before)) then, \(Sanitizer.inline(now.createdAt ?? "none")) now): not removed; preview again"
        }
        if (now.labels[Volume.anonymousLabel] != nil) != candidate.hasAnonymousLabel {
            return
                "volume's anonymous label changed since the preview: it is another volume under the same name; not removed, preview again"
        }
        return nil
    }
}
