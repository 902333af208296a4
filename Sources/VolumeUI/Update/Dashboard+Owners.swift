import VolumeCore

extension Dashboard {
    /// Keys in the owners dialog: move, pick an action (it waits for `y`), confirm, cancel or close.
    static func performInOwners(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .owners(var dialog)? = s.dialog else { return [] }
        switch command {
        case .moveUp, .moveDown:
            guard !dialog.isWorking else { return [] }
            dialog.cursor = target(of: command, from: dialog.cursor, count: dialog.owners.count, page: 1)
            dialog.pending = nil
        case .stopOwner, .startOwner, .removeOwner:
            guard !dialog.isWorking, let owner = dialog.selected else { return [] }
            let name = Sanitizer.inline(owner.containerName)
            switch command {
            case .stopOwner where !owner.isRunning:
                dialog.outcome = ("\(name) is not running: nothing to stop", true)
            case .startOwner where owner.isRunning:
                dialog.outcome = ("\(name) is already running", true)
            case .removeOwner where owner.isRunning:
                dialog.outcome = ("\(name) is running: stop it first (s), then remove it", true)
            default:
                dialog.pending = command == .stopOwner ? .stop : command == .startOwner ? .start : .remove
                dialog.outcome = nil
            }
        case .confirm:
            guard !dialog.isWorking, let action = dialog.pending, let owner = dialog.selected else { return [] }
            dialog.isWorking = true
            dialog.pending = nil
            s.dialog = .owners(dialog)
            return [.actOnContainer(id: owner.containerID, name: owner.containerName, action)]
        case .cancel:
            if dialog.pending != nil {
                dialog.pending = nil
            } else {
                s.dialog = nil
                return []
            }
        default:
            return []
        }
        s.dialog = .owners(dialog)
        return []
    }

    static func containerActed(_ name: String, _ action: ContainerAction, _ error: EngineError?, _ s: inout AppState) -> [Effect] {
        let text = error.map { "✗ \($0.description)" } ?? "✓ \(action.done) \(Sanitizer.inline(name))"
        if case .owners(var dialog)? = s.dialog {
            dialog.isWorking = false
            dialog.outcome = (text, error != nil)
            s.dialog = .owners(dialog)
        } else if error == nil {
            s.notice = Notice(kind: .success, text: text)
        }
        // The engine's events refresh the catalog too; ask at once so the dialog follows.
        return s.requestCatalog()
    }
}
