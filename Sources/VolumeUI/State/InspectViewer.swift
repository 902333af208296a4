#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `i` viewer: the engine's JSON for one volume with its owners, scrollable and searchable.
struct InspectViewer: Sendable, Equatable {
    /// The volume shown.
    var name: String
    /// The text, one line each; nil while loading.
    var lines: [String]?
    /// Why loading failed.
    var error: String?
    /// First visible row (a long line folded takes several rows).
    var scroll = 0
    /// Whether long lines fold into several rows (as `less` does); `w` toggles it.
    var wraps = true
    /// The first column shown while lines do not fold (`h`/`l`, arrows).
    var column = 0
    /// The search line (`/`) while it has the keyboard.
    var search = TextInput()
    var isEditingSearch = false
    /// The applied search, lowercased.
    private(set) var query = ""
    /// Lines that contain the query.
    private(set) var matches: [Int] = []
    /// Index into `matches` of the current match.
    private(set) var currentMatch: Int?

    init(name: String) {
        self.name = name
    }

    /// Stores the loaded text, tabs expanded.
    mutating func load(_ text: String) {
        lines = text.replacingAll("\t", with: "    ").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        if !query.isEmpty { apply(query: query, from: 0) }
    }

    /// `/`: a new, empty search line (as in `less`; the last search stays applied until Enter).
    mutating func startSearch() {
        search = TextInput()
        isEditingSearch = true
    }

    /// Searches for the typed text, starting at line `from` (the top of the view).
    mutating func applySearch(from line: Int) {
        apply(query: search.text.lowercased(), from: line)
    }

    private mutating func apply(query newQuery: String, from line: Int) {
        query = newQuery
        guard !query.isEmpty, let lines else {
            matches = []
            currentMatch = nil
            return
        }
        matches = lines.indices.filter { lines[$0].lowercased().contains(query) }
        currentMatch = matches.isEmpty ? nil : (matches.firstIndex { $0 >= line } ?? 0)
    }

    /// Moves to the next (or previous) match, wrapping around.
    mutating func step(forward: Bool) {
        guard !matches.isEmpty else { return }
        let current = currentMatch ?? (forward ? -1 : 0)
        currentMatch = (current + (forward ? 1 : -1) + matches.count) % matches.count
    }

    /// The line of the current match.
    var currentMatchLine: Int? { currentMatch.map { matches[$0] } }
}
