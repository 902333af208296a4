import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// The trash view (`T`): browse, restore (under a new name when the old one is taken), purge; the progress line of
/// a transfer and its cancel; the owners' history of a removed and restored volume; audit-log warnings.
@Suite struct TrashViewTests {
    /// A trash item removed `ago` seconds before the fixture's now.
    static func item(_ name: String, ago: Int, owners: [String] = [], size: Int64 = 3 << 20, command: String = "dashboard d") -> Trash.Item
    {
        Trash.Item(
            id: "20261129T1100Z-\(name)-abc123", name: name, driver: "local", labels: ["team": "shop"], options: [:], sizeBytes: size,
            archiveBytes: size + 10_240, owners: owners, removedBy: "ana (uid 1000)",
            removedAt: ISO8601DateFormatter().string(from: Fixture.now.addingTimeInterval(-Double(ago))), command: command,
            engine: "unix:///var/run/docker.sock", createdAt: nil)
    }

    static let gone = item("shop_sessions", ago: 300, owners: ["shop-web-1", "shop-worker-1"])
    /// Named like a volume the table has.
    static let taken = item("cache", ago: 7200, size: 1 << 20, command: "prune")

    /// The fixture dashboard with the trash view open and loaded (oldest first, as the engine gives them).
    static func opened(rows: Int = 24, cols: Int = 80) -> AppState {
        var s = Fixture.loaded(rows: rows, cols: cols)
        #expect(Fixture.press([.char("T")], &s) == [.loadTrash])
        _ = Dashboard.reduce(&s, .trashLoaded(.success([taken, gone])))
        return s
    }

    @Test func tOpensTheTrashNewestFirstWithOwnersThen() {
        let s = Self.opened()
        #expect(s.trashView.selected == Self.gone)
        let text = Fixture.screen(s).text
        #expect(text.contains("Trash (2)"))
        #expect(text.contains("shop-web-1, shop-worker-1"))
        expectScreen(Fixture.screen(s), "trash-view-80x24")
        expectScreen(Fixture.screen(Self.opened(rows: 30, cols: 120)), "trash-view-120x30")
    }

    @Test func emptyAndFailedTrashSaySo() {
        var s = Fixture.loaded()
        Fixture.press([.char("T")], &s)
        _ = Dashboard.reduce(&s, .trashLoaded(.success([])))
        #expect(Fixture.screen(s).text.contains("the trash is empty"))
        #expect(Fixture.press([.char("r")], &s).isEmpty)
        #expect(s.notice?.text == "the trash is empty")
        Fixture.press([.ctrl("r")], &s)
        _ = Dashboard.reduce(&s, .trashLoaded(.failure(EngineError(.permissionDenied, "cannot open /x: Permission denied"))))
        #expect(Fixture.screen(s).text.contains("the trash could not be read: cannot open /x"))
        Fixture.press([.escape], &s)
        #expect(s.mode == .volumes)
    }

    @Test func restoreOfAFreeNameStartsAtOnceAndShowsProgressThenTheOwners() {
        var s = Self.opened(rows: 30, cols: 120)
        #expect(Fixture.press([.char("r")], &s) == [.startTransfer(.restore(Self.gone, as: "shop_sessions"))])
        _ = Dashboard.reduce(&s, .transferProgressed(bytes: 1 << 20, elapsed: 2))
        let text = Fixture.screen(s).text
        #expect(text.contains("restoring shop_sessions: 1.0 MiB of ~3.0 MiB (33%), 512.0 KiB/s, ETA 0:05"))
        #expect(text.contains("Esc cancel"))
        #expect(Fixture.press([.char("r")], &s).isEmpty, "one transfer at a time")
        let effects = Dashboard.reduce(&s, .transferFinished(.restore(Self.gone, as: "shop_sessions"), .done(bytes: 3 << 20)))
        #expect(effects.contains(.loadTrash) && effects.contains(.loadCatalog))
        #expect(s.transfer == nil)
        #expect(s.notice?.text.hasPrefix("restored shop_sessions from the trash") == true)
        // Back in the table, the restored volume's detail says who owned it when it was removed.
        Fixture.press([.escape], &s)
        var catalog = Fixture.catalog
        catalog = Catalog(
            volumes: Fixture.volumes + [Fixture.volume("shop_sessions", labels: ["team": "shop"], age: 60)], containers: Fixture.containers,
            sizes: nil, takenAt: Fixture.now)
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(catalog)))
        #expect(s.selectedEntry?.name == "shop_sessions")
        let detail = Dashboard.detailLines(s, width: 60).map(\.text)
        #expect(detail.contains { $0.contains("Owned by") && $0.contains("shop-web-1, shop-worker-1") })
        #expect(detail.contains { $0.contains("Restored") && $0.contains("from the trash; removed 5m ago by dashboard d") })
    }

    @Test func aTakenNameAsksForANewOneAndChecksIt() {
        var s = Self.opened()
        Fixture.press([.char("j")], &s)
        #expect(s.trashView.selected == Self.taken)
        // The engine decides (the table may lag a removal): it refuses, and the dashboard asks for another name.
        #expect(Fixture.press([.enter], &s) == [.startTransfer(.restore(Self.taken, as: "cache"))])
        let refusal = EngineError(.conflict, "volume cache exists: restore never overwrites a volume")
        _ = Dashboard.reduce(&s, .transferFinished(.restore(Self.taken, as: "cache"), .failed(refusal)))
        guard case .prompt(let prompt)? = s.dialog else {
            Issue.record("no prompt")
            return
        }
        #expect(prompt.input.text == "cache-restored")
        let text = Fixture.screen(s).text
        #expect(text.contains("Volume cache exists: restore never overwrites a volume."))
        expectScreen(Fixture.screen(s), "trash-restore-as-80x24")
        // A name the table has is refused before anything starts.
        for _ in 0..<9 { Fixture.press([.backspace], &s) }
        #expect(Fixture.press([.enter], &s).isEmpty)
        #expect(Fixture.screen(s).text.contains("volume cache exists: pick another name"))
        Fixture.type("-2", &s)
        #expect(Fixture.press([.enter], &s) == [.startTransfer(.restore(Self.taken, as: "cache-2"))])
        #expect(s.dialog == nil)
        // R asks for a name at once.
        _ = Dashboard.reduce(&s, .transferFinished(.restore(Self.taken, as: "cache-2"), .cancelled))
        Fixture.press([.char("R")], &s)
        guard case .prompt(let again)? = s.dialog else {
            Issue.record("R opened no prompt")
            return
        }
        #expect(again.purpose == .restoreAs(Self.taken) && again.note == nil)
    }

    @Test func aConflictFromTheEngineAsksForANewName() {
        var s = Self.opened()
        Fixture.press([.char("r")], &s)
        let error = EngineError(.conflict, "volume shop_sessions exists: restore never overwrites a volume")
        _ = Dashboard.reduce(&s, .transferFinished(.restore(Self.gone, as: "shop_sessions"), .failed(error)))
        guard case .prompt(let prompt)? = s.dialog else {
            Issue.record("no prompt")
            return
        }
        #expect(prompt.purpose == .restoreAs(Self.gone))
        #expect(s.errorBanner == nil)
    }

    @Test func escCancelsTheTransferAndSaysNothingWasLeft() {
        var s = Self.opened()
        Fixture.press([.char("r")], &s)
        #expect(Fixture.press([.escape], &s) == [.cancelTransfer])
        #expect(s.mode == .trash, "Esc cancels the transfer before it leaves the view")
        #expect(Fixture.screen(s).text.contains("cancelling…"))
        #expect(Fixture.press([.escape], &s).isEmpty || s.mode == .volumes)
        _ = Dashboard.reduce(&s, .transferFinished(.restore(Self.gone, as: "shop_sessions"), .cancelled))
        #expect(s.transfer == nil)
        #expect(s.notice?.text == "restoring shop_sessions cancelled: nothing was left behind")
    }

    @Test func purgeAsksFirst() {
        var s = Self.opened()
        #expect(Fixture.press([.char("x")], &s).isEmpty)
        #expect(Fixture.screen(s).text.contains("Purge shop_sessions from the trash?"))
        #expect(Fixture.press([.char("n")], &s).isEmpty)
        #expect(s.dialog == nil)
        Fixture.press([.char("x")], &s)
        #expect(Fixture.press([.char("y")], &s) == [.purgeTrash([Self.gone])])
        #expect(Fixture.press([.char("y")], &s).isEmpty, "a second y while purging does nothing")
        #expect(Dashboard.reduce(&s, .trashPurged([Self.gone], nil)) == [.loadTrash])
        #expect(s.notice?.text == "purged shop_sessions from the trash for good")
    }

    @Test func readOnlyModeRefusesRestoreAndPurge() {
        var s = Fixture.loaded(readOnly: true)
        Fixture.press([.char("T")], &s)
        _ = Dashboard.reduce(&s, .trashLoaded(.success([Self.gone])))
        #expect(Fixture.press([.char("r")], &s).isEmpty)
        #expect(Fixture.press([.char("x")], &s).isEmpty)
        #expect(s.dialog == nil)
    }

    @Test func removalCarriesTheOwnersSeenThisSession() {
        var s = Fixture.loaded()
        // shop_uploads is used by shop-web-1; the container goes, then the volume.
        let withoutWeb = Catalog(
            volumes: Fixture.volumes, containers: Fixture.containers.filter { $0.name != "shop-web-1" }, sizes: nil, takenAt: Fixture.now)
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(withoutWeb)))
        Fixture.select("shop_uploads", &s)
        #expect(s.selectedEntry?.owners.isEmpty == true)
        Fixture.press([.char("d")], &s)
        #expect(
            Fixture.press([.char("y")], &s) == [
                .removeVolumes(["shop_uploads"], force: false, formerOwners: ["shop_uploads": ["shop-web-1"]])
            ])
    }

    @Test func cloneAndExportAskFirst() {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        Fixture.press([.char("C")], &s)
        #expect(Fixture.screen(s).text.contains("Clone volume"))
        #expect(Fixture.press([.enter], &s) == [.startTransfer(.clone(source: "cache", target: "cache-copy"))])
        _ = Dashboard.reduce(&s, .transferFinished(.clone(source: "cache", target: "cache-copy"), .done(bytes: 1 << 20)))
        Fixture.press([.char("E")], &s)
        guard case .prompt(let prompt)? = s.dialog else {
            Issue.record("no prompt")
            return
        }
        #expect(prompt.input.text == "cache.tar")
        let effects = Fixture.press([.enter], &s)
        guard case .startTransfer(.export(let volume, let path, _))? = effects.first else {
            Issue.record("no export: \(effects)")
            return
        }
        #expect(volume == "cache" && path == "cache.tar")
    }

    @Test func anAuditFailureIsAWarningUntilDismissed() {
        var s = Fixture.loaded()
        _ = Dashboard.reduce(&s, .auditFailed("the audit log missed rm of cache (done, not logged): Not a directory"))
        #expect(Fixture.screen(s).text.contains("the audit log missed rm of cache"))
        Fixture.press([.escape], &s)
        #expect(s.auditWarning == nil)
    }
}
