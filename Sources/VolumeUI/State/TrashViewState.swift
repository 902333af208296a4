import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The trash view (`T`): the removed volumes voltop keeps, to browse, restore and purge.
struct TrashViewState: Sendable, Equatable {
    /// The items, newest first; nil until the first load answers.
    var items: [Trash.Item]?
    /// Why the last load failed.
    var error: String?
    /// A load is in flight.
    var isLoading = false
    /// The list's cursor.
    var cursor = RowCursor()
    /// First visible line of the detail pane.
    var detailScroll = 0

    /// The item under the cursor.
    var selected: Trash.Item? {
        guard let items, items.indices.contains(cursor.selection) else { return nil }
        return items[cursor.selection]
    }
}

/// Long work started from the dashboard (restore, clone, export): what it is and how far it got.
struct TransferStatus: Sendable, Equatable {
    /// What runs, for the status line: `restoring data`.
    var verb: String
    /// The bytes expected (the archive's length, the engine's size), when known.
    var total: Int64?
    /// Bytes moved so far.
    var bytes: Int64 = 0
    /// Seconds since it started (from the runtime).
    var elapsed: Double = 0
    /// Esc was pressed: the runtime is cancelling it.
    var isCancelling = false

    /// The status line: bytes, rate, percent and ETA.
    var line: String {
        let text = Format.transferProgress(verb: verb, bytes: bytes, total: total, elapsed: elapsed)
        return isCancelling ? text + " · cancelling…" : text
    }
}

/// A one-line question before long work: the new name of a restore or a clone, or the file of an export.
struct PromptDialog: Sendable, Equatable {
    /// What the answer is for.
    enum Purpose: Sendable, Equatable {
        /// Restore a trash item under a new name (its own name is taken).
        case restoreAs(Trash.Item)
        /// Clone a volume into a new one.
        case clone(source: String)
        /// Export a volume's files to an archive file.
        case export(volume: String, sizeBytes: Int64?)
    }

    var purpose: Purpose
    /// The answer as typed.
    var input: TextInput
    /// Why the answer cannot be used (shown under the field), or why the engine refused it.
    var problem: String?
    /// A line above the field (why the prompt opened).
    var note: String?

    /// The dialog's title.
    var title: String {
        switch purpose {
        case .restoreAs: return "Restore under a new name"
        case .clone: return "Clone volume"
        case .export: return "Export volume"
        }
    }

    /// What the field holds.
    var fieldTitle: String {
        if case .export = purpose { return "File" }
        return "New name"
    }

    /// The problem with the answer as typed, nil when it can be used (names by the engine's rule, a path not empty).
    func validate(flavor: String, existing: (String) -> Bool) -> String? {
        let text = input.text
        switch purpose {
        case .export:
            if text.isEmpty { return "give a file (.tar, or .tar.gz for gzip)" }
            if text.hasSuffix("/") { return "give a file, not a directory" }
            return nil
        case .restoreAs, .clone:
            if text.isEmpty { return "give a name" }
            do { try VolumeName.validate(text, flavor: flavor) } catch let error as EngineError { return error.message } catch {
                return "\(error)"
            }
            if existing(text) { return "volume \(Sanitizer.inline(text)) exists: pick another name" }
            return nil
        }
    }
}

/// The confirm before purging a trash item for good.
struct TrashPurgeConfirm: Sendable, Equatable {
    /// The item.
    var item: Trash.Item
    /// The purge is in flight.
    var isPurging = false
}
