import VolumeCore

@testable import VolumeUI

// Each enum case's payload as an optional, so a test can `try #require(s.dialog?.removeConfirm)` instead of
// returning early from a `guard case` (a test that returns early passes without checking anything).

extension Dialog {
    var createForm: CreateForm? { if case .create(let v) = self { v } else { nil } }
    var inspectViewer: InspectViewer? { if case .inspect(let v) = self { v } else { nil } }
    var removeConfirm: RemoveConfirm? { if case .remove(let v) = self { v } else { nil } }
    var pruneDialog: PruneDialog? { if case .prune(let v) = self { v } else { nil } }
    var previewViewer: FilePreviewViewer? { if case .preview(let v) = self { v } else { nil } }
    var deleteConfirm: FileDeleteConfirm? { if case .deleteFile(let v) = self { v } else { nil } }
    var ownersDialog: OwnersDialog? { if case .owners(let v) = self { v } else { nil } }
}

extension Effect {
    /// The names of a `.measureVolumes`.
    var measuredNames: [String]? { if case .measureVolumes(let v) = self { v } else { nil } }
    /// The plan of an `.executePrune`.
    var prunePlan: PrunePlan? { if case .executePrune(let v) = self { v } else { nil } }
}

extension Result {
    /// The error of a failure.
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
}
