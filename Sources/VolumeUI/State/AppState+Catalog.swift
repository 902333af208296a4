import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AppState {
    /// The volume under the cursor.
    var selectedEntry: CatalogEntry? {
        guard table.visibleIndices.indices.contains(table.cursor.selection) else { return nil }
        return catalog.entries[table.visibleIndices[table.cursor.selection]]
    }

    /// The container under the cursor in the mounts view.
    var selectedContainer: Container? {
        catalog.containers.indices.contains(mounts.cursor.selection) ? catalog.containers[mounts.cursor.selection] : nil
    }

    /// When the entry at an index into `catalog.entries` was created.
    func createdDate(_ index: Int) -> Date? {
        guard createdTimes.indices.contains(index), let t = createdTimes[index] else { return nil }
        return Date(timeIntervalSince1970: t)
    }

    /// When the selected volume was created.
    var selectedCreatedDate: Date? {
        table.visibleIndices.indices.contains(table.cursor.selection) ? createdDate(table.visibleIndices[table.cursor.selection]) : nil
    }

    /// The entry shown in row `row` of the table.
    func visibleEntry(_ row: Int) -> CatalogEntry { catalog.entries[table.visibleIndices[row]] }

    /// Takes a new catalog: keeps known sizes, the selected volume (by name) and marks that still exist.
    mutating func apply(_ newCatalog: Catalog) {
        let selectedName = pendingSelectionName ?? selectedEntry?.name
        pendingSelectionName = nil
        catalog = newCatalog
        // Entries are read in place (through the buffer): copying each one out retains every string it holds, and
        // at 10,000 volumes those copies were the largest part of taking a catalog.
        var indexByName = [String: Int](minimumCapacity: catalog.entries.count)
        var createdTimes: [Double?] = []
        createdTimes.reserveCapacity(catalog.entries.count)
        catalog.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                // One lookup per name; a name seen twice keeps its first index.
                if let first = indexByName.updateValue(i, forKey: entries[i].volume.name) {
                    indexByName[entries[i].volume.name] = first
                }
                createdTimes.append(entries[i].volume.created?.timeIntervalSince1970)
            }
        }
        entryIndexByName = indexByName
        self.createdTimes = createdTimes
        // Volumes gone since: their measured sizes go (looked up, not copied: most are still there).
        for name in measuredSizes.keys.filter({ indexByName[$0] == nil }) { measuredSizes[name] = nil }
        if !measuredSizes.isEmpty || !sizes.isEmpty {
            for i in catalog.entries.indices {
                if let measured = measuredSizes[catalog.entries[i].volume.name] {
                    catalog.entries[i].size = .bytes(measured)
                } else if case .notRequested = catalog.entries[i].size, let known = sizes[catalog.entries[i].volume.name] {
                    catalog.entries[i].size = known
                }
            }
        }
        // Built on the first filter, not on every load (most loads never filter).
        searchTexts = []
        nameRanks = Self.nameRanks(catalog.entries)
        marked = marked.filter { indexByName[$0] != nil }
        // Resolved owners hold while the volume's owners are the same containers.
        resolvedOwners = resolvedOwners.filter { name, resolved in
            indexByName[name].map { catalog.entries[$0].owners.map(\.containerID) == resolved.entry.owners.map(\.containerID) } ?? false
        }
        requestedOwners = requestedOwners.filter { indexByName[$0] != nil }
        resolveErrors = resolveErrors.filter { indexByName[$0.key] != nil }
        let ids = Set(catalog.containers.map(\.id))
        containerDetails = containerDetails.filter { ids.contains($0.key) }
        containerDetailErrors = containerDetailErrors.filter { ids.contains($0.key) }
        requestedContainerDetails.formIntersection(ids)
        mounts.cursor.selection = min(mounts.cursor.selection, max(0, catalog.containers.count - 1))
        summary = CatalogSummary(catalog.entries, measured: measuredSizes, ownersKnown: !areOwnersLoading)
        if isFleet {
            var counts: [String: Int] = [:]
            for entry in catalog.entries { counts[FleetName.engine(of: entry.name) ?? "", default: 0] += 1 }
            fleetCounts = counts
        }
        resort(keeping: selectedName)
    }

    /// Each entry's place in name order (the engine's catalog comes sorted by name: then it is the index itself).
    static func nameRanks(_ entries: [CatalogEntry]) -> [Int] {
        var isSorted = true
        for i in entries.indices.dropFirst() where !(entries[i - 1].name < entries[i].name) {
            isSorted = false
            break
        }
        if isSorted { return Array(entries.indices) }
        var ranks = [Int](repeating: 0, count: entries.count)
        for (rank, i) in entries.indices.sorted(by: { entries[$0].name < entries[$1].name }).enumerated() { ranks[i] = rank }
        return ranks
    }

    /// Takes new sizes for every volume (those missing from the map were not measured).
    mutating func apply(sizes newSizes: [String: VolumeSize]) {
        let selectedName = selectedEntry?.name
        sizes = newSizes
        for i in catalog.entries.indices {
            let name = catalog.entries[i].name
            catalog.entries[i].size = measuredSizes[name].map(VolumeSize.bytes) ?? newSizes[name] ?? .notRequested
        }
        summary = CatalogSummary(catalog.entries, measured: measuredSizes, ownersKnown: !areOwnersLoading)
        if table.sortKey == .size { resort(keeping: selectedName) }
    }

    /// Takes sizes voltop measured from volumes' files (one batch); the table and totals prefer them over the engine's.
    mutating func apply(measured batch: [(name: String, bytes: Int64)]) {
        let selectedName = selectedEntry?.name
        var changed = false
        var isSummaryExact = true
        for (name, bytes) in batch {
            guard let i = entryIndexByName[name], catalog.entries.indices.contains(i), catalog.entries[i].name == name
            else { continue }
            // As the summary counts it: nothing is unused before the owners are known.
            let isDangling = !areOwnersLoading && catalog.entries[i].isDangling
            let old = catalog.entries[i].size
            isSummaryExact =
                isSummaryExact
                && summary.remove(old, isDangling: isDangling, isMeasured: measuredSizes[name] != nil)
            measuredSizes[name] = bytes
            catalog.entries[i].size = .bytes(bytes)
            summary.add(.bytes(bytes), isDangling: isDangling, isMeasured: true)
            changed = true
        }
        guard changed else { return }
        if !isSummaryExact { summary = CatalogSummary(catalog.entries, measured: measuredSizes, ownersKnown: !areOwnersLoading) }
        if table.sortKey == .size { resort(keeping: selectedName) }
    }

    /// A volume's size as shown everywhere: its disk usage where voltop measured it, else the engine's figure
    /// (file lengths only) marked with `~`, "n/a" or "-".
    func sizeText(_ entry: CatalogEntry) -> String {
        if case .bytes = entry.size, measuredSizes[entry.name] == nil { return "~" + Format.size(entry.size) }
        return Format.size(entry.size)
    }

    /// Whether any known size on screen is the engine's figure rather than voltop's disk usage.
    var hasEngineFigures: Bool { summary.engineFigureCount > 0 }

    /// Volume names to measure: the rows on screen first, then the rest of the table, then those filtered out.
    func measureOrder(bodyHeight: Int) -> [String] {
        let onScreen = table.visibleIndices.dropFirst(table.cursor.scroll).prefix(max(0, bodyHeight))
        var seen = Set(onScreen)
        var order = Array(onScreen)
        for i in table.visibleIndices + table.sortedIndices where seen.insert(i).inserted { order.append(i) }
        return order.map { catalog.entries[$0].name }
    }

    /// Sorts again (after the catalog, sizes or the sort key changed), then filters.
    mutating func resort(keeping name: String?) {
        table.sortedIndices = table.sortKey.sorted(
            catalog.entries, createdTimes: createdTimes, nameRanks: nameRanks, growth: growth)
        if table.isSortReversed { table.sortedIndices.reverse() }
        table.filteredBy = nil
        refilter(keeping: name)
    }

    /// Filters the sorted list again (after the filter or unused-only changed) and finds the selected volume.
    ///
    /// A filter that only narrows the last one (typing one more character) filters the rows shown, not all rows.
    mutating func refilter(keeping name: String?) {
        let filter = VolumeFilter(table.filter.text)
        let previousRow = table.cursor.selection
        if filter != nil && searchTexts.count != catalog.entries.count {
            searchTexts = catalog.entries.map(VolumeFilter.SearchText.init)
        }
        let key = FilterKey(filter: filter, isUnusedOnly: table.isUnusedOnly)
        let candidates = table.filteredBy.map { key.narrows($0) } == true ? table.visibleIndices : table.sortedIndices
        table.visibleIndices = candidates.filter { i in
            if table.isUnusedOnly && !catalog.entries[i].isDangling { return false }
            if let filter, !filter.keeps(searchTexts[i]) { return false }
            return true
        }
        table.filteredBy = key
        if let name, let entryIndex = entryIndexByName[name], let row = table.visibleIndices.firstIndex(of: entryIndex) {
            table.cursor.selection = row
        } else {
            // The volume went away (or was filtered out): stay at the same row.
            table.cursor.selection = min(previousRow, max(0, table.visibleIndices.count - 1))
            detailScroll = 0
        }
    }
}
