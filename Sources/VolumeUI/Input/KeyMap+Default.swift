extension KeyMap {
    /// The default keys, after lazydocker, k9s and ncdu habits.
    public static let `default` = KeyMap(
        bindings: globalBindings + volumeBindings + detailBindings + mountsBindings
            + filesBindings + treeSearchBindings + previewBindings + helpBindings + filterBindings + formBindings + inspectBindings
            + searchBindings
            + confirmBindings + pruneBindings + ownersBindings + trashBindings + promptBindings + transferBindings)

    private static let trashBindings =
        movement(.trash, "move")
        + [
            KeyBinding(
                [.enter, .char("r")], .restore,
                "restore the volume: same driver, labels, options and files (asks for a new name when its own is taken)", scope: .trash,
                footer: "restore"),
            KeyBinding([.char("R")], .restoreAs, "restore the volume under a new name", scope: .trash, footer: "restore as"),
            KeyBinding(
                [.char("x"), .char("d"), .delete], .purge, "purge the item for good, after a confirm", scope: .trash, footer: "purge"),
            KeyBinding([.ctrl("r")], .refresh, "read the trash again", scope: .trash),
            KeyBinding([.escape, .char("T"), .char("q")], .back, "back to the volumes", scope: .trash, footer: "volumes"),
            KeyBinding([.char("?"), .function(1)], .help, "this help", scope: .trash, footer: "help")
        ]

    private static let promptBindings = [
        KeyBinding([.enter], .submit, "start: restore, clone or export", scope: .prompt, footer: "start"),
        KeyBinding([.escape], .cancel, "cancel: nothing is done", scope: .prompt, footer: "cancel")
    ]

    private static let transferBindings = [
        KeyBinding(
            [.escape], .cancelTransfer, "cancel it: no helper container and no half-filled new volume or file is left", scope: .transfer,
            footer: "cancel transfer")
    ]

    private static let ownersBindings = [
        KeyBinding([.char("j"), .down], .moveDown, "move down", scope: .owners),
        KeyBinding([.char("k"), .up], .moveUp, "move up", scope: .owners),
        KeyBinding([.char("s")], .stopOwner, "stop the container, after a confirm", scope: .owners, footer: "stop"),
        KeyBinding([.char("S")], .startOwner, "start the container, after a confirm", scope: .owners, footer: "start"),
        KeyBinding(
            [.char("x")], .removeOwner, "remove the (stopped) container, after a confirm; its volumes stay", scope: .owners,
            footer: "remove"),
        KeyBinding([.char("y"), .enter], .confirm, "do it", scope: .owners, footer: "confirm"),
        KeyBinding([.escape, .char("n"), .char("q")], .cancel, "cancel the pending action, else close", scope: .owners, footer: "close")
    ]

    private static func movement(_ scope: KeyBinding.Scope, _ what: String) -> [KeyBinding] {
        [
            KeyBinding([.char("j"), .down], .moveDown, "\(what) down", scope: scope),
            KeyBinding([.char("k"), .up], .moveUp, "\(what) up", scope: scope),
            KeyBinding([.pageDown, .ctrl("f")], .pageDown, "\(what) down a page", scope: scope),
            KeyBinding([.pageUp, .ctrl("b")], .pageUp, "\(what) up a page", scope: scope),
            KeyBinding([.char("g"), .home], .moveTop, "go to the top", scope: scope),
            KeyBinding([.char("G"), .end], .moveBottom, "go to the bottom", scope: scope)
        ]
    }

    private static let globalBindings = [
        KeyBinding([.ctrl("c")], .quit, "quit voltop and restore the terminal", scope: .global)
    ]

    // The footer shows bindings in this order and drops the last ones when the line is short.
    private static let volumeBindings =
        movement(.volumes, "move")
        + [
            KeyBinding(
                [.enter, .char("t")], .openFiles, "browse the volume's files: a tree of _data with sizes", scope: .volumes, footer: "files"),
            KeyBinding([.char("c")], .create, "create a volume", scope: .volumes, footer: "create"),
            KeyBinding([.char("d"), .delete], .remove, "remove the volume, after a confirm", scope: .volumes, footer: "remove"),
            KeyBinding(
                [.char("p")], .prune, "prune: preview unused volumes, then remove exactly that list", scope: .volumes, footer: "prune"),
            KeyBinding(
                [.char("/")], .startFilter, "filter by name, engine, label, compose project or owner; !text inverts", scope: .volumes,
                footer: "filter"),
            KeyBinding(
                [.char("s")], .cycleSort, "sort by the next column (name, size, created, owners, status, growth)", scope: .volumes,
                footer: "sort"),
            KeyBinding([.char("i")], .inspect, "inspect: the engine's JSON with owners", scope: .volumes, footer: "inspect"),
            KeyBinding([.char(" ")], .toggleMark, "mark or unmark the volume (for D)", scope: .volumes, footer: "mark"),
            KeyBinding([.char("o")], .ownersDialog, "the volume's owners: stop, start or remove one (frees the volume)", scope: .volumes),
            KeyBinding([.char("D")], .removeMarked, "remove the marked volumes, after one confirm", scope: .volumes, footer: "rm marked"),
            KeyBinding([.char("u")], .toggleUnused, "show only unused volumes, or all", scope: .volumes, footer: "unused"),
            KeyBinding(
                [.char("m")], .mountsView, "mounts of every container (volumes, binds, tmpfs), at a container using the volume",
                scope: .volumes, footer: "mounts"),
            KeyBinding([.char("S")], .reverseSort, "reverse the sort order", scope: .volumes),
            KeyBinding([.char("w")], .sortByGrowth, "sort by growth: the fastest-growing volume first (and who writes)", scope: .volumes),
            KeyBinding(
                [.tab], .switchPane, "switch between the table and the detail pane (to scroll it)", scope: .volumes,
                footer: "details"),
            KeyBinding([.char("r"), .ctrl("r")], .refresh, "reload volumes, containers and sizes", scope: .volumes, footer: "refresh"),
            KeyBinding([.escape], .back, "dismiss the error, then clear the filter", scope: .volumes),
            KeyBinding([.char("?"), .function(1)], .help, "this help", scope: .volumes, footer: "help"),
            KeyBinding(
                [.char("q")], .quit, "quit (everywhere else q and Esc go back one level; Ctrl-C quits from anywhere)", scope: .volumes,
                footer: "quit"),
            KeyBinding(
                [.char("T")], .trashView, "the trash: removed volumes kept for a while, to restore or purge", scope: .volumes),
            KeyBinding([.char("C")], .clone, "clone the volume into a new one (asks for its name)", scope: .volumes),
            KeyBinding([.char("E")], .export, "export the volume's files to a tar archive (asks for the file)", scope: .volumes)
        ]

    private static let detailBindings =
        movement(.detail, "scroll")
        + [
            KeyBinding([.escape, .tab, .enter, .char("q")], .switchPane, "back to the table", scope: .detail, footer: "back")
        ]

    private static let mountsBindings =
        movement(.mounts, "move")
        + [
            KeyBinding(
                [.enter], .showVolume, "select the container's volume in the table (again: its next volume); m comes back",
                scope: .mounts, footer: "volume"),
            KeyBinding([.escape, .char("m"), .char("q")], .back, "back to the volumes", scope: .mounts, footer: "volumes"),
            KeyBinding([.char("r"), .ctrl("r")], .refresh, "reload containers and their mounts", scope: .mounts, footer: "refresh"),
            KeyBinding([.char("?"), .function(1)], .help, "this help", scope: .mounts, footer: "help")
        ]

    private static let filesBindings =
        movement(.files, "move")
        + [
            KeyBinding(
                [.escape, .char("q")], .back, "clear the search, dismiss the error, else back to the volumes table", scope: .files,
                footer: "back"),
            KeyBinding(
                [.enter], .stepInto, "step into the directory: show it alone, under a breadcrumb; on a file, preview it", scope: .files,
                footer: "open"),
            KeyBinding([.backspace], .stepOut, "step out of the directory stepped into, back to its parent", scope: .files),
            KeyBinding(
                [.char("l"), .right], .expand, "expand the directory in place (again: go to its first entry); on a file, preview it",
                scope: .files),
            KeyBinding(
                [.char("h"), .left], .collapse, "collapse the directory, or go to its parent (at the top: step out)", scope: .files),
            KeyBinding([.char("p")], .preview, "preview the file: text, or a hex dump", scope: .files, footer: "preview"),
            KeyBinding([.char("s")], .cycleSort, "sort by the next column (size, name, modified, items)", scope: .files, footer: "sort"),
            KeyBinding([.char("S")], .reverseSort, "reverse the sort order", scope: .files),
            KeyBinding(
                [.char("a")], .toggleApparent, "sizes: disk usage (blocks) or apparent (bytes in the files)", scope: .files,
                footer: "apparent"),
            KeyBinding(
                [.char("d"), .delete], .deleteEntry, "delete the file or directory, after a confirm (direct mode only)", scope: .files,
                footer: "delete"),
            KeyBinding([.char("r"), .ctrl("r")], .refresh, "scan the volume again", scope: .files, footer: "rescan"),
            KeyBinding(
                [.char("/")], .search, "search names below the directory shown; the cursor jumps to a match", scope: .files,
                footer: "search"),
            KeyBinding([.char("n")], .nextMatch, "next match of the search", scope: .files),
            KeyBinding([.char("N")], .previousMatch, "previous match of the search", scope: .files),
            KeyBinding([.char("?"), .function(1)], .help, "this help", scope: .files, footer: "help")
        ]

    private static let treeSearchBindings = [
        KeyBinding([.enter], .applyInput, "keep the search: n and N step through the matches", scope: .treeSearch, footer: "keep"),
        KeyBinding([.escape], .discardInput, "clear the search", scope: .treeSearch, footer: "clear")
    ]

    /// `w`, `h`/`l` and the arrows of a pager, as in `less` (long lines fold; `-S` cuts them and the arrows
    /// scroll sideways) and k9s (`w` toggles wrap).
    private static func sideways(_ scope: KeyBinding.Scope) -> [KeyBinding] {
        [
            KeyBinding(
                [.char("w")], .toggleWrap, "fold long lines (the default), or cut them at the edge and scroll sideways", scope: scope,
                footer: "wrap"),
            KeyBinding([.char("h"), .left], .scrollLeft, "scroll left half a screen (while lines are cut)", scope: scope),
            KeyBinding([.char("l"), .right], .scrollRight, "scroll right half a screen (while lines are cut)", scope: scope)
        ]
    }

    private static let previewBindings =
        movement(.preview, "scroll")
        + sideways(.preview)
        + [
            KeyBinding([.escape, .char("q"), .char("p")], .cancel, "close the preview", scope: .preview, footer: "close")
        ]

    private static let helpBindings =
        movement(.help, "scroll")
        + [
            KeyBinding(
                [.escape, .char("?"), .char("q")], .back, "close the help (back to where it was opened)", scope: .help, footer: "close")
        ]

    private static let filterBindings = [
        KeyBinding([.enter], .applyInput, "keep the filter and go back to the table", scope: .filter, footer: "apply"),
        KeyBinding([.escape], .discardInput, "clear the filter", scope: .filter, footer: "clear")
    ]

    private static let formBindings = [
        KeyBinding([.tab, .down], .nextField, "next field", scope: .form, footer: "next field"),
        KeyBinding([.backTab, .up], .previousField, "previous field", scope: .form),
        KeyBinding([.enter], .submit, "create the volume", scope: .form, footer: "create"),
        KeyBinding([.escape], .cancel, "cancel: nothing is created", scope: .form, footer: "cancel")
    ]

    private static let inspectBindings =
        movement(.inspect, "scroll")
        + [
            KeyBinding([.char("/")], .search, "search the text: a new search (Enter applies it)", scope: .inspect, footer: "search"),
            KeyBinding([.char("n")], .nextMatch, "next match", scope: .inspect, footer: "next"),
            KeyBinding([.char("N")], .previousMatch, "previous match", scope: .inspect, footer: "prev")
        ]
        + sideways(.inspect)
        + [
            KeyBinding([.escape, .char("q")], .cancel, "close", scope: .inspect, footer: "close")
        ]

    private static let searchBindings = [
        KeyBinding([.enter], .applyInput, "search for the text", scope: .search, footer: "search"),
        KeyBinding([.escape], .discardInput, "stop typing, keep the last search", scope: .search, footer: "cancel")
    ]

    private static let confirmBindings = [
        KeyBinding([.char("y"), .enter], .confirm, "remove", scope: .confirm, footer: "remove"),
        KeyBinding([.escape, .char("n")], .cancel, "cancel: nothing is removed", scope: .confirm, footer: "cancel"),
        KeyBinding([.char("j"), .down], .moveDown, "scroll the list down", scope: .confirm),
        KeyBinding([.char("k"), .up], .moveUp, "scroll the list up", scope: .confirm)
    ]

    private static let pruneBindings = [
        KeyBinding([.tab, .backTab], .toggleMode, "switch between unused anonymous and all unused", scope: .prune, footer: "switch mode"),
        KeyBinding([.char("a")], .modeAnonymous, "preview unused anonymous volumes only", scope: .prune),
        KeyBinding([.char("A")], .modeAll, "preview all unused volumes", scope: .prune),
        KeyBinding(
            [.char("y"), .enter], .confirm, "prune exactly the listed volumes; on the result, close", scope: .prune, footer: "prune"),
        KeyBinding([.escape, .char("n")], .cancel, "cancel (or close the result)", scope: .prune, footer: "close"),
        KeyBinding(
            [.char(" ")], .toggleMark, "tick or untick the volume under the cursor (unticked ones stay)", scope: .prune, footer: "tick"),
        KeyBinding([.char("j"), .down], .moveDown, "move down the list", scope: .prune),
        KeyBinding([.char("k"), .up], .moveUp, "move up the list", scope: .prune),
        KeyBinding([.pageDown], .pageDown, "move down a page", scope: .prune),
        KeyBinding([.pageUp], .pageUp, "move up a page", scope: .prune)
    ]
}
