import VolumeCore

/// The `p` dialog: the preview in one mode, then the removal of exactly that list, then its result.
struct PruneDialog: Sendable, Equatable {
    /// The mode the user chose.
    var mode: PruneMode
    /// The preview for `mode`; nil while it loads.
    var plan: PrunePlan?
    /// Why the preview or the prune failed.
    var error: EngineError?
    /// The prune is in flight.
    var isExecuting = false
    /// What the prune did, once it finished.
    var result: PruneResult?
    /// First visible line of the list.
    var scroll = 0

    /// Whether confirming would remove anything.
    var canConfirm: Bool {
        guard let plan, result == nil, !isExecuting else { return false }
        return !plan.candidates.isEmpty
    }

    /// Whether something is loading (preview or prune).
    var isBusy: Bool { (plan == nil && error == nil && result == nil) || isExecuting }
}
