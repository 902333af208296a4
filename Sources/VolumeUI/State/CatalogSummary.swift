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
    init(_ entries: [CatalogEntry], measured: [String: Int64]) {
        // Entries asked in place through the buffer: at 10,000 volumes, copying each entry out of the array to ask it
        // (`isDangling`, `isAnonymous`) was a third of taking a new catalog.
        entries.withUnsafeBufferPointer { buffer in
            for i in buffer.indices {
                let isDangling = buffer[i].isDangling
                if isDangling {
                    unusedCount += 1
                    if buffer[i].isAnonymous { leakedCount += 1 }
                }
                let isMeasured = buffer[i].size.isBytes && !measured.isEmpty && measured[buffer[i].volume.name] != nil
                add(buffer[i].size, isDangling: isDangling, isMeasured: isMeasured)
            }
        }
    }

    /// Counts one entry's size in.
    mutating func add(_ size: VolumeSize, isDangling: Bool, isMeasured: Bool) {
        if let known = size.knownBytes {
            totalKnownBytes = totalKnownBytes.saturatingAdd(known)
            if isDangling { reclaimableBytes = reclaimableBytes.saturatingAdd(known) }
        }
        switch size {
        case .bytes: if !isMeasured { engineFigureCount += 1 }
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

extension VolumeSize {
    /// Whether the size is a byte count (whatever its value).
    fileprivate var isBytes: Bool {
        if case .bytes = self { return true }
        return false
    }
}
