/// Every key binding as data: the reducer looks keys up here, and the help screen and footer are drawn from it.
public struct KeyMap: Sendable {
    /// The bindings, in the order help lists them.
    public let bindings: [KeyBinding]
    /// Binding index by scope and key.
    private let index: [KeyBinding.Scope: [KeyPress: Int]]

    /// A keymap from bindings; the first binding wins when a key repeats within a scope.
    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
        var index: [KeyBinding.Scope: [KeyPress: Int]] = [:]
        for (i, binding) in bindings.enumerated() {
            for key in binding.keys where index[binding.scope, default: [:]][key.normalized] == nil {
                index[binding.scope, default: [:]][key.normalized] = i
            }
        }
        self.index = index
    }

    /// The binding a key triggers, looking through scopes in order.
    func binding(for key: KeyPress, in scopes: [KeyBinding.Scope]) -> KeyBinding? {
        let key = key.normalized
        for scope in scopes {
            if let i = index[scope]?[key] { return bindings[i] }
        }
        return nil
    }

    /// The bindings of one scope.
    public func bindings(in scope: KeyBinding.Scope) -> [KeyBinding] {
        bindings.filter { $0.scope == scope }
    }

    /// Keys bound twice within one scope (a keymap with any is broken).
    public var duplicateKeys: [(scope: KeyBinding.Scope, key: KeyPress)] {
        var seen: Set<String> = []
        var duplicates: [(scope: KeyBinding.Scope, key: KeyPress)] = []
        for binding in bindings {
            for key in binding.keys {
                let id = "\(binding.scope.rawValue)\u{0}\(key.normalized)"
                if !seen.insert(id).inserted { duplicates.append((binding.scope, key)) }
            }
        }
        return duplicates
    }

    /// The bindings the footer shows for a chain of scopes: those with a footer label whose first key is not
    /// taken by an earlier scope in the chain.
    func footerBindings(for scopes: [KeyBinding.Scope]) -> [KeyBinding] {
        var taken: Set<KeyPress> = []
        var result: [KeyBinding] = []
        for scope in scopes {
            let own = bindings(in: scope)
            for binding in own where binding.footer != nil {
                guard let first = binding.keys.first, !taken.contains(first.normalized) else { continue }
                result.append(binding)
            }
            for binding in own { taken.formUnion(binding.keys.map(\.normalized)) }
        }
        return result
    }

    /// The keymap as a Markdown table, for the README.
    public var markdownTable: String {
        var lines = ["| Where | Keys | Action |", "|---|---|---|"]
        for binding in bindings {
            let keys = binding.keys.map { "`\($0.description == "|" ? "\\|" : $0.description)`" }.joined(separator: " ")
            lines.append("| \(binding.scope.title) | \(keys) | \(binding.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
