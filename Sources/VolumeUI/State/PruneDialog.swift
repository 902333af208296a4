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
    /// The volumes the table showed when the dialog opened with a filter (the preview covers only those), and how
    /// the title names them ("matching /ux-"); nil without a filter: every volume.
    var scope: Scope?
    /// The candidate under the cursor (Space ticks or unticks it).
    var cursor = 0
    /// Candidates the user unticked: kept, never sent.
    var unticked: Set<String> = []

    /// The table's filtered rows, by name, and the words for the title.
    struct Scope: Sendable, Equatable {
        var names: Set<String>
        var description: String
    }

    /// A dialog for `mode`, keeping the scope (a mode switch previews the same rows again).
    init(mode: PruneMode, scope: Scope? = nil) {
        self.mode = mode
        self.scope = scope
    }

    /// The plan as it will be carried out: the preview minus the unticked candidates.
    var tickedPlan: PrunePlan? {
        guard var plan else { return nil }
        plan.candidates.removeAll { unticked.contains($0.name) }
        return plan
    }

    /// Whether confirming would remove anything.
    var canConfirm: Bool {
        guard let tickedPlan, result == nil, !isExecuting else { return false }
        return !tickedPlan.candidates.isEmpty
    }

    /// Whether something is loading (preview or prune).
    var isBusy: Bool { (plan == nil && error == nil && result == nil) || isExecuting }
}
