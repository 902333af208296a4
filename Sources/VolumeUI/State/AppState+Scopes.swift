extension AppState {
    /// The keymap scopes a key is looked up in, focused first.
    var keyScopes: [KeyBinding.Scope] {
        if let dialog {
            switch dialog {
            case .create: return [.form, .global]
            case .inspect(let viewer): return [viewer.isEditingSearch ? .search : .inspect, .global]
            case .remove: return [.confirm, .global]
            case .prune: return [.prune, .global]
            case .preview: return [.preview, .global]
            case .deleteFile: return [.confirm, .global]
            case .owners: return [.owners, .global]
            case .prompt: return [.prompt, .global]
            case .purgeTrash: return [.confirm, .global]
            }
        }
        let running: [KeyBinding.Scope] = transfer != nil && !table.isEditingFilter && files?.search.isEditing != true ? [.transfer] : []
        if table.isEditingFilter { return [.filter, .global] }
        switch mode {
        case .help: return [.help, .global]
        case .mounts: return running + [.mounts, .global]
        case .files: return files?.search.isEditing == true ? [.treeSearch, .global] : running + [.files, .global]
        case .trash: return running + [.trash, .global]
        case .volumes: return running + (focus == .detail ? [.detail, .volumes, .global] : [.volumes, .global])
        }
    }
}
