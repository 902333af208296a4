import VolumeCore

/// Counts and totals over every volume of a catalog, worked out once per change of the catalog or its sizes, so a
/// frame never walks all volumes.
struct CatalogSummary: Sendable, Equatable {
    /// Volumes no container references.
    var unusedCount = 0
    /// Unused volumes that are anonymous (leaked).
    var leakedCount = 0
    /// The sum of known sizes (saturating).
    var totalKnownBytes: Int64 = 0
    /// The sum of known sizes of unused volumes (saturating).
    var reclaimableBytes: Int64 = 0
    /// Volumes whose size is the engine's figure rather than voltop's disk usage.
    var engineFigureCount = 0
    /// Volumes whose size was not asked for yet.
    var notRequestedCount = 0

    /// An empty summary.
    init() {}

    /// The summary of `entries`; `measured` holds the sizes voltop measured itself, by volume name.
    ///
    /// Each entry is read in place, one field at a time: asking a whole entry (`isDangling`, `isAnonymous`, both in
    /// another module) copied it first, retaining and releasing every field it holds; at 10,000 volumes that was
    /// most of taking a catalog. `ownersKnown` false (the names before the containers are in) skips the counts of
    /// unused volumes, which the header does not show until the owners are known.
    init(_ entries: [CatalogEntry], measured: [String: Int64], ownersKnown: Bool = true) {
        entries.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<buffer.count {
                let entry = base + i
                let isDangling = ownersKnown && entry.pointee.owners.isEmpty && !entry.pointee.isPinnedByHelper
                if isDangling {
                    unusedCount += 1
                    if entry.pointee.anonymity.isAnonymous(name: entry.pointee.volume.name, labels: entry.pointee.volume.labels) {
                        leakedCount += 1
                    }
                }
                switch entry.pointee.size {
                case .bytes(let bytes):
                    let isMeasured = !measured.isEmpty && measured[entry.pointee.volume.name] != nil
                    add(bytes: bytes, isDangling: isDangling, isMeasured: isMeasured)
                case .notRequested: notRequestedCount += 1
                case .unknown: break
                }
            }
        }
    }

    /// Counts in a size that is a byte count (a negative one, the engine's "not known", only as an engine figure).
    private mutating func add(bytes: Int64, isDangling: Bool, isMeasured: Bool) {
        if bytes >= 0 {
            totalKnownBytes = totalKnownBytes.saturatingAdd(bytes)
            if isDangling { reclaimableBytes = reclaimableBytes.saturatingAdd(bytes) }
        }
        if !isMeasured { engineFigureCount += 1 }
    }

    /// Counts one entry's size in.
    mutating func add(_ size: VolumeSize, isDangling: Bool, isMeasured: Bool) {
        switch size {
        case .bytes(let bytes): add(bytes: bytes, isDangling: isDangling, isMeasured: isMeasured)
        case .notRequested: notRequestedCount += 1
        case .unknown: break
        }
    }

    /// Counts one entry's size out; false when a total had saturated (then only a full count is exact).
    mutating func remove(_ size: VolumeSize, isDangling: Bool, isMeasured: Bool) -> Bool {
        if let known = size.knownBytes {
            guard totalKnownBytes < .max, reclaimableBytes < .max else { return false }
            totalKnownBytes -= known
            if isDangling { reclaimableBytes -= known }
        }
        switch size {
        case .bytes: if !isMeasured { engineFigureCount -= 1 }
        case .notRequested: notRequestedCount -= 1
        case .unknown: break
        }
        return true
    }
}
