/// A box drawn over the main view that takes the keyboard until Esc.
enum Dialog: Sendable, Equatable {
    /// `c`: create a volume.
    case create(CreateForm)
    /// `i`: the engine's JSON for a volume.
    case inspect(InspectViewer)
    /// `d` or `D`: confirm a removal, or explain why it cannot happen.
    case remove(RemoveConfirm)
    /// `p`: prune preview, run and result.
    case prune(PruneDialog)
    /// `p` (or Enter) on a file in the tree: its first bytes.
    case preview(FilePreviewViewer)
    /// `d` in the tree: confirm deleting a file or directory.
    case deleteFile(FileDeleteConfirm)
    /// `o`: the volume's owners, to stop, start or remove one.
    case owners(OwnersDialog)
    /// A new name (restore as, clone) or a file (export) before long work.
    case prompt(PromptDialog)
    /// `x` in the trash view: confirm purging an item for good.
    case purgeTrash(TrashPurgeConfirm)
}
