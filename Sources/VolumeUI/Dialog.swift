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
}
