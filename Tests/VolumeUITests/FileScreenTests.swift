import Foundation
import Testing

@testable import VolumeCore
@testable import VolumeUI

/// Golden screens of the file-tree pane at 80x24 and 160x45.
///
/// The trees come from real scans of a temp directory with fixed modification times; sizes are shown as
/// apparent bytes (`a`), which do not depend on block allocation. Directories' own sizes are the filesystem's
/// (4,096 bytes on ext4 and xfs, where these were recorded).
@Suite struct FileScreenTests {
    typealias F = FileFixture
    typealias Size = ScreenTests.Size
    static let sizes = ScreenTests.sizes
    let vol = FileFixture.volume

    private func check(_ state: AppState, _ name: String, _ size: Size, sourceLocation: SourceLocation = #_sourceLocation) {
        let grid = Fixture.screen(state)
        #expect(!F.hasRawControl(grid), "no raw control character on \(name)", sourceLocation: sourceLocation)
        expectScreen(grid, "\(name)-\(size.name)", sourceLocation: sourceLocation)
    }

    /// The tree in apparent sizes with `app` expanded and `app/config.json` selected.
    private func tree(_ size: Size, source: FileSource = FileFixture.direct) async throws -> (AppState, URL) {
        let root = try F.makeVolume()
        var s = try await F.opened(root, rows: size.rows, cols: size.cols, source: source)
        Fixture.press([.char("a")], &s)
        F.select(["app"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["app", "config.json"], &s)
        return (s, root)
    }

    @Test(arguments: sizes) func scanning(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        check(s, "files-opening", size)
        _ = Dashboard.reduce(&s, .filesOpened(volume: vol, .success(F.direct)))
        _ = Dashboard.reduce(
            &s,
            .filesProgress(
                volume: vol, ScanProgress(entries: 12_345, directories: 678, apparentBytes: 128_974_848, allocatedBytes: 130_000_000)))
        s.spinnerFrame = 0
        check(s, "files-scanning", size)
    }

    @Test(arguments: sizes) func treeWithOneDirectoryExpanded(_ size: Size) async throws {
        let (s, root) = try await tree(size)
        defer { F.remove(root) }
        check(s, "files-tree", size)
    }

    @Test(arguments: sizes) func previewText(_ size: Size) async throws {
        var (s, root) = try await tree(size)
        defer { F.remove(root) }
        Fixture.press([.enter], &s)
        let text = "{\n\t\"listen\": \":8080\",\n\t\"banner\": \"\u{1B}[31mwelcome\u{1B}[0m\",\n\t\"uploads\": \"/srv/uploads\"\n}\n"
        _ = Dashboard.reduce(
            &s,
            .filePreviewLoaded(
                volume: vol, path: [Array("app".utf8), Array("config.json".utf8)],
                .success(FilePreview(bytes: Array(text.utf8), size: 1200))))
        check(s, "files-preview-text", size)
    }

    @Test(arguments: sizes) func previewHex(_ size: Size) async throws {
        var (s, root) = try await tree(size)
        defer { F.remove(root) }
        Fixture.press([.enter], &s)
        let bytes: [UInt8] =
            [0x1F, 0x8B, 0x08, 0x00, 0x1B, 0x5B, 0x32, 0x4A] + Array("voltop\u{07}\r\n".utf8) + (0..<64).map { UInt8($0 &* 37 & 0xFF) }
        _ = Dashboard.reduce(
            &s,
            .filePreviewLoaded(
                volume: vol, path: [Array("app".utf8), Array("config.json".utf8)], .success(FilePreview(bytes: bytes, size: 20_000))))
        check(s, "files-preview-hex", size)
    }

    @Test(arguments: sizes) func deleteConfirm(_ size: Size) async throws {
        var (s, root) = try await tree(size)
        defer { F.remove(root) }
        F.select(["app"], &s)
        Fixture.press([.char("d")], &s)
        check(s, "files-delete", size)
    }

    @Test(arguments: sizes) func helperMode(_ size: Size) async throws {
        var (s, root) = try await tree(size, source: .helper(containerID: "4f2a9c"))
        defer { F.remove(root) }
        Fixture.press([.char("d")], &s)
        check(s, "files-helper", size)
    }

    @Test(arguments: sizes) func openFailure(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        _ = Dashboard.reduce(
            &s,
            .filesOpened(
                volume: vol,
                .failure(
                    EngineError(
                        .permissionDenied,
                        "cannot read /var/lib/docker/volumes/shop_uploads/_data: run voltop as root on the engine host, or allow helper containers (--files helper)"
                    ))))
        check(s, "files-open-failed", size)
    }
}
