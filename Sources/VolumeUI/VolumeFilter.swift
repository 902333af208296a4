import Foundation
import VolumeCore

/// The table filter: a case-insensitive substring over name, labels, compose project and owner names;
/// a leading `!` keeps the volumes that do not match.
struct VolumeFilter: Sendable, Equatable {
    /// The lowercased text to look for.
    var needle: String
    /// Whether matches are hidden instead of kept.
    var isInverted: Bool

    /// The filter a typed text means; nil when it keeps everything.
    init?(_ text: String) {
        var t = Substring(text)
        var inverted = false
        if t.first == "!" {
            inverted = true
            t = t.dropFirst()
        }
        let trimmed = t.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        needle = trimmed.lowercased()
        isInverted = inverted
    }

    /// Whether an entry's search text passes.
    func keeps(_ searchText: String) -> Bool {
        searchText.contains(needle) != isInverted
    }

    /// The text one entry is searched in: name, `key=value` labels, compose project and owner names, lowercased.
    static func searchText(for entry: CatalogEntry) -> String {
        var parts = [entry.name]
        for (key, value) in entry.volume.labels { parts.append("\(key)=\(value)") }
        if let project = entry.composeProject { parts.append(project) }
        for owner in entry.owners { parts.append(owner.containerName) }
        return parts.joined(separator: "\n").lowercased()
    }
}
