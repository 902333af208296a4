/// What a key binding does; the reducer interprets it in the binding's scope.
public enum Command: String, Sendable, CaseIterable {
    /// Leave the dashboard.
    case quit
    /// Move the selection or scroll.
    case moveUp, moveDown, pageUp, pageDown, moveTop, moveBottom
    /// Switch between the table and the detail pane.
    case switchPane
    /// Open the file-tree pane of the selected volume.
    case openFiles
    /// File tree: expand a directory in place (again: go to its first entry; on a file, preview it); collapse it (or go
    /// to its parent).
    case expand, collapse
    /// File tree: show the selected directory as the root (with a breadcrumb), or go back up to its parent.
    case stepInto, stepOut
    /// File tree: preview the selected file.
    case preview
    /// File tree: show apparent sizes or disk usage.
    case toggleApparent
    /// File tree: delete the selected entry, after a confirm.
    case deleteEntry
    /// Leave the current mode: clear the filter, dismiss the error, go back to the volumes.
    case back
    /// Mark or unmark the selected volume.
    case toggleMark
    /// Type a filter.
    case startFilter
    /// Sort by the next column, or reverse the order.
    case cycleSort, reverseSort
    /// Sort the volumes by growth, fastest first.
    case sortByGrowth
    /// Show only unused volumes, or all.
    case toggleUnused
    /// Reload volumes, containers and sizes.
    case refresh
    /// Show the mounts of every container.
    case mountsView
    /// Mounts view: select the container's volume in the table (again: its next volume).
    case showVolume
    /// Show every key binding.
    case help
    /// Show the engine's JSON for the selected volume.
    case inspect
    /// Open the create form.
    case create
    /// Remove the selected volume, after a confirm.
    case remove
    /// Remove the marked volumes, after one confirm.
    case removeMarked
    /// Open the prune preview.
    case prune
    /// Confirm or cancel a dialog.
    case confirm, cancel
    /// Prune dialog: switch mode, or pick one.
    case toggleMode, modeAnonymous, modeAll
    /// Create form: move between fields, submit.
    case nextField, previousField, submit
    /// Inspect viewer and file tree: search and step through matches.
    case search, nextMatch, previousMatch
    /// Inspect viewer and file preview: fold long lines or cut them; scroll sideways while they are cut.
    case toggleWrap, scrollLeft, scrollRight
    /// Filter or search line: keep the text, or drop it.
    case applyInput, discardInput
    /// Open the owners of the selected volume; stop, start or remove the owner under the cursor (after a confirm).
    case ownersDialog, stopOwner, startOwner, removeOwner
    /// Open the trash view; in it, restore the item under the cursor (under a new name when its own is taken), restore
    /// it under a new name, or purge it (after a confirm).
    case trashView, restore, restoreAs, purge
    /// Clone the selected volume into a new one, or export its files to an archive file (both ask first).
    case clone, export
    /// Cancel the restore, clone or export that runs.
    case cancelTransfer

    /// Whether the command changes the engine, so read-only mode disables it.
    public var isDestructive: Bool {
        switch self {
        case .create, .remove, .removeMarked, .prune, .deleteEntry, .stopOwner, .startOwner, .removeOwner, .restore, .restoreAs, .purge,
            .clone:
            return true
        default: return false
        }
    }
}
