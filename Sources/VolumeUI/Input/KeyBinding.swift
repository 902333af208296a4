/// One entry of the keymap: the keys, what they do, where, and how help and the footer describe it.
public struct KeyBinding: Sendable, Equatable {
    /// Where a binding applies. The focused scope sees a key first, then the scopes behind it.
    public enum Scope: String, Sendable, CaseIterable {
        /// Everywhere, text fields included.
        case global
        /// The volumes table (and the detail pane, unless it takes the key first).
        case volumes
        /// The detail pane of the selected volume.
        case detail
        /// The mounts view.
        case mounts
        /// The help screen.
        case help
        /// The filter line while typing.
        case filter
        /// The create form.
        case form
        /// The inspect viewer.
        case inspect
        /// The inspect viewer's search line while typing.
        case search
        /// The remove confirm (`d`, `D`).
        case confirm
        /// The prune dialog.
        case prune
        /// The file-tree pane of one volume.
        case files
        /// The file tree's search line while typing.
        case treeSearch
        /// The preview of a file in the tree.
        case preview
        /// The owners dialog (`o`).
        case owners
        /// The trash view (`T`).
        case trash
        /// A question before long work: a new name (restore as, clone) or a file (export).
        case prompt
        /// While a restore, clone or export started from the dashboard runs.
        case transfer

        /// How the scope is titled on the help screen.
        public var title: String {
            switch self {
            case .global: return "Everywhere"
            case .volumes: return "Volumes table"
            case .detail: return "Detail pane"
            case .mounts: return "Mounts view"
            case .help: return "Help"
            case .filter: return "Filter line (/)"
            case .form: return "Create form (c)"
            case .inspect: return "Inspect viewer (i)"
            case .search: return "Inspect search (/)"
            case .confirm: return "Remove confirm (d, D; d in the file tree)"
            case .prune: return "Prune dialog (p)"
            case .files: return "File tree (Enter, t)"
            case .treeSearch: return "File tree search (/)"
            case .preview: return "File preview"
            case .owners: return "Owners (o)"
            case .trash: return "Trash view (T)"
            case .prompt: return "New name or file (restore as, C, E)"
            case .transfer: return "While a restore, clone or export runs"
            }
        }
    }

    /// The keys that trigger it; the first is the one the footer shows.
    public var keys: [KeyPress]
    /// What it does.
    public var command: Command
    /// The description on the help screen.
    public var help: String
    /// Where it applies.
    public var scope: Scope
    /// The short label in the footer, or nil to keep it out of the footer.
    public var footer: String?

    /// A binding from its parts.
    public init(_ keys: [KeyPress], _ command: Command, _ help: String, scope: Scope, footer: String? = nil) {
        self.keys = keys
        self.command = command
        self.help = help
        self.scope = scope
        self.footer = footer
    }

    /// The keys as help writes them: `j ↓`.
    public var keyLabel: String { keys.map(\.description).joined(separator: " ") }
}
