import Foundation

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
        var candidates: [PruneCandidate] = []
        var excluded: [String] = []
        for entry in catalog.entries where entry.isDangling {
            guard labelFilters.allSatisfy({ $0.matches(entry.volume.labels) }) else { continue }
            guard mode == .allUnused || entry.isAnonymous else { continue }
            guard entry.volume.driver == "local", entry.volume.options.isEmpty else {
                excluded.append(entry.name)
                continue
            }
            candidates.append(PruneCandidate(name: entry.name, isAnonymous: entry.isAnonymous, sizeBytes: entry.size.knownBytes))
        }
        self.candidates = candidates.sorted { $0.name < $1.name }
        self.excluded = excluded.sorted()
    }
}

/// Why a previewed volume was not removed.
public struct PruneSkip: Sendable, Equatable, Codable {
    /// The volume name.
    public var name: String
    /// `in-use`, `gone` or `failed`.
    public var reason: String
    /// What the engine or voltop said.
    public var message: String
}

/// What a prune did.
public struct PruneResult: Sendable, Equatable, Codable {
    /// The volumes removed.
    public var removed: [String]
    /// The previewed volumes left in place, and why.
    public var skipped: [PruneSkip]
    /// Bytes freed, from the preview's sizes of the removed volumes.
    public var reclaimedBytes: Int64
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
    /// A volume that became in use or vanished since the preview is skipped and reported.
    public func prune(_ plan: PrunePlan) async throws -> PruneResult {
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: prune was not done. Run without --read-only to make changes")
        }
        var result = PruneResult(removed: [], skipped: [], reclaimedBytes: 0)
        for candidate in plan.candidates {
            do {
                try await removeVolume(candidate.name, force: false)
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
}
