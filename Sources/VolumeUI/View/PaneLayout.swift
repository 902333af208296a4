/// Where everything goes on a screen of a given size: header, banners, the main pane, the detail pane,
/// a reserved file-tree pane (the next issue's split), and the footer.
///
/// Wide terminals (120 columns and more) put the detail pane right of the table; narrower ones put it below.
struct PaneLayout: Sendable, Equatable {
    /// The smallest screen the dashboard draws on; below 80x24 it draws fewer columns and no detail pane below
    /// the table.
    static let minRows = 10
    static let minCols = 40
    /// Rows the table keeps before a detail pane below it gets any.
    static let minTableRows = 8
    /// From this width the detail pane sits right of the table.
    static let sideBySideCols = 120
    /// From this width the table adds MOUNTPOINT and LABELS.
    static let wideTableCols = 140
    /// At most this many engine rows are shown in a fleet's header (a short screen shows fewer).
    static let maxEngineLines = 6
    /// At most this many banner rows are shown.
    static let maxBanners = 3

    /// Whether the screen is below 40x10; nothing else is drawn then.
    var isTooSmall: Bool
    /// Whether the detail pane is right of the table (else below it).
    var isSideBySide: Bool
    /// Two rows: engine, then totals; in a fleet one more row per engine between them.
    var header: Rect
    /// One row per banner.
    var banners: Rect
    /// The table (or container list, or help), title rule included.
    var main: Rect
    /// The detail pane, title rule included.
    var detail: Rect?
    /// The file-tree pane, when shown (reserved for the next issue; never shown yet).
    var fileTree: Rect?
    /// The key line.
    var footer: Rect
    /// The column of the vertical rule between side-by-side panes.
    var separatorCol: Int?

    /// The layout for a screen size; `isDetailFocused` keeps the detail pane on a short screen (Tab focused it).
    /// `engineLines` (a fleet) adds one header row per engine between the engine row and the totals.
    init(
        rows: Int, cols: Int, bannerCount: Int, showsDetail: Bool, showsFileTree: Bool = false, isDetailFocused: Bool = false,
        engineLines: Int = 0
    ) {
        isTooSmall = rows < Self.minRows || cols < Self.minCols
        isSideBySide = cols >= Self.sideBySideCols
        let headerRows = 2 + engineLines
        header = Rect(row: 0, col: 0, height: headerRows, width: cols)
        let bannerRows = min(bannerCount, Self.maxBanners)
        banners = Rect(row: headerRows, col: 0, height: bannerRows, width: cols)
        footer = Rect(row: max(0, rows - 1), col: 0, height: 1, width: cols)
        let top = headerRows + bannerRows
        let available = max(0, rows - top - 1)
        detail = nil
        fileTree = nil
        separatorCol = nil
        // A short screen keeps its rows for the table: the detail pane (Tab) needs 7 rows below it.
        let paneRoom = isSideBySide || available >= Self.minTableRows + 7 || isDetailFocused
        guard (showsDetail || showsFileTree) && paneRoom else {
            main = Rect(row: top, col: 0, height: available, width: cols)
            return
        }
        if isSideBySide {
            // From 140 columns the table keeps about 115 for MOUNTPOINT and LABELS; the pane gets the rest.
            let sideWidth = cols >= Self.wideTableCols ? max(44, min(64, cols - 116)) : max(44, min(64, cols * 32 / 100))
            let mainWidth = cols - sideWidth - 1
            main = Rect(row: top, col: 0, height: available, width: mainWidth)
            separatorCol = mainWidth
            let side = Rect(row: top, col: mainWidth + 1, height: available, width: sideWidth)
            switch (showsDetail, showsFileTree) {
            case (true, true):
                let upper = available / 2
                detail = Rect(row: top, col: side.col, height: upper, width: sideWidth)
                fileTree = Rect(row: top + upper, col: side.col, height: available - upper, width: sideWidth)
            case (true, false): detail = side
            default: fileTree = side
            }
        } else {
            let paneCount = (showsDetail ? 1 : 0) + (showsFileTree ? 1 : 0)
            let paneHeight = max(7, min(16, available * 2 / (5 * paneCount)))
            let mainHeight = max(0, available - paneHeight * paneCount)
            main = Rect(row: top, col: 0, height: mainHeight, width: cols)
            var next = top + mainHeight
            if showsDetail {
                detail = Rect(row: next, col: 0, height: paneHeight, width: cols)
                next += paneHeight
            }
            if showsFileTree { fileTree = Rect(row: next, col: 0, height: paneHeight, width: cols) }
        }
    }

    /// The layout for a state drawn on a screen of this size.
    init(_ state: AppState, rows: Int, cols: Int) {
        self.init(
            rows: rows, cols: cols, bannerCount: state.bannerLines(width: cols).count,
            showsDetail: state.mode != .help && state.mode != .files, isDetailFocused: state.focus == .detail,
            engineLines: min(state.fleet.count, max(0, (rows - Self.minRows) / 2), Self.maxEngineLines))
    }

    /// The table body (below the title rule and column header) of the main pane.
    var tableBody: Rect { main.droppingTop(2) }
}
