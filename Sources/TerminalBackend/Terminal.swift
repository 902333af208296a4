import CNcursesw
import Dispatch
import Glibc
import VolumeUI

/// The terminal screen and keyboard, through ncursesw: draws `CellGrid`s and delivers `KeyPress`es.
///
/// Every curses call happens on the main actor. Input is not polled: the main dispatch queue watches standard
/// input (and a pipe written by the SIGWINCH handler) and `events()` delivers what `get_wch` decodes to.
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT restore the terminal and exit with status 128 + the signal number;
/// `exit()` called anywhere restores it too (an `atexit` handler), and so does a crash (a C handler ends curses
/// before Swift's crash report). Use `withTerminal(monochrome:_:)` so that returning or throwing restores it as well.
@MainActor
public final class Terminal {
    /// Signals that restore the terminal and end the process.
    static let exitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    let window: UnsafeMutablePointer<WINDOW>
    private let mapping: StyleMapping
    private var pairs: ColorPairTable
    private let diff = GridDiff(scalarWidth: { Int(wcwidth(wchar_t(bitPattern: $0.value))) })
    /// The grid on screen, as drawn (fitted to the screen).
    private var drawn: CellGrid?
    /// Set by a resize: the next `draw` clears the screen and draws every cell.
    var needsFullRedraw = true
    private let cursorVisibility: Int32
    private var messagesAfterRestore: [String] = []

    /// Whether `restore()` has run: the terminal is back to normal and the instance no longer draws or reads.
    public private(set) var isRestored = false

    /// Runs when SIGINT, SIGTERM, SIGHUP or SIGQUIT ends the program, after the terminal is restored and before
    /// `exit`: last clean-up that must not wait long (it runs on the main actor; the process exits right after).
    public var onSignalExit: (@MainActor () -> Void)?

    // Input and signals (see Terminal+Events.swift).
    var continuation: AsyncStream<KeyPress>.Continuation?
    var inputSource: (any DispatchSourceRead)?
    var resizeSource: (any DispatchSourceRead)?
    var emptyWakeups = 0
    let signalHandling: SignalHandling

    /// Takes over the terminal: full screen, raw keys (Ctrl-C arrives as `.ctrl("c")`), no echo, hidden cursor, mouse.
    ///
    /// - Parameter monochrome: draw without colors (attributes only), e.g. for `NO_COLOR` or `--no-color`.
    /// - Throws: `TerminalError` when standard input or output is not a terminal, or ncurses cannot start.
    public init(monochrome: Bool) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(
                code: .notATerminal,
                message: "standard input and output must be a terminal for the dashboard: try `voltop ls`"
            )
        }
        setlocale(LC_ALL, "")
        // Before newterm, so that ncurses does not install its own SIGINT/SIGTERM handlers.
        let signalHandling = SignalHandling()
        guard cnc_newterm() != nil, let window = cnc_stdscr() else {
            signalHandling.release()
            let name = getenv("TERM").map { String(cString: $0) } ?? "unset"
            throw TerminalError(
                code: .setupFailed,
                message: "cannot start the terminal (TERM=\(name)): set TERM to a terminal type known to terminfo"
            )
        }
        _ = cnc_endwinAtExit()
        raw()
        noecho()
        keypad(window, true)
        nodelay(window, true)
        leaveok(window, true)
        _ = set_escdelay(25)
        _ = mousemask(cnc_allMouseEvents(), nil)
        _ = mouseinterval(0)
        cursorVisibility = curs_set(0)

        if !monochrome, has_colors() {
            start_color()
            let hasDefaultColors = use_default_colors() == OK
            mapping = StyleMapping(colorCount: Int(cnc_colors()), hasDefaultColors: hasDefaultColors)
            pairs = ColorPairTable(limit: Int(cnc_colorPairs()) - 1)
        } else {
            mapping = .monochrome
            pairs = ColorPairTable(limit: 0)
        }
        // Keys are read elsewhere (a dispatch source on standard input): ncurses need not look for them between the
        // lines of an update (a poll(2) per line), and stops no update halfway when one is waiting.
        typeahead(-1)
        // One pass through endwin and doupdate before the first frame. ncurses 6.4 flushes its output after every
        // cursor move while the screen has never been suspended (`_endwin` stays "initial" after newterm): a frame
        // went out in one write(2) per jump, a hundred for a full screen, each waking the terminal. Resumed once, a
        // frame is one write.
        endwin()
        doupdate()
        self.window = window
        self.signalHandling = signalHandling
        signalHandling.terminal = self
    }

    /// Runs `body` with a new terminal and restores it afterwards, whether `body` returns or throws.
    ///
    /// An error thrown by `body` propagates after the terminal is restored, so the caller can print it.
    public static func withTerminal<T>(monochrome: Bool, _ body: (Terminal) async throws -> T) async throws -> T {
        let terminal = try Terminal(monochrome: monochrome)
        defer { terminal.restore() }
        return try await body(terminal)
    }

    /// The screen's current size.
    public var size: (rows: Int, cols: Int) {
        var rows: Int32 = 0
        var cols: Int32 = 0
        cnc_getmaxyx(window, &rows, &cols)
        return (Int(rows), Int(cols))
    }

    /// Shows a grid: writes the cells that differ from the last one drawn, then updates the screen once.
    ///
    /// After a resize (or when the grid is another size than the last) the screen is cleared and every cell drawn.
    /// A grid that does not match the screen's size is cut off or padded with blanks.
    public func draw(_ grid: CellGrid) {
        guard !isRestored else { return }
        let (rows, cols) = size
        let fitted = grid.rows == rows && grid.cols == cols ? grid : GridDiff.fitted(grid, rows: rows, cols: cols)
        var previous = drawn
        if needsFullRedraw || previous == nil {
            wclear(window)
            previous = nil
            needsFullRedraw = false
        }
        for run in diff.runs(from: previous, to: fitted) {
            _ = wattr_set(window, mapping.attributes(for: run.style).cursesValue, pairNumber(for: run.style), nil)
            let text = run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            // ERR at the bottom-right cell only means the cursor could not advance; the text is placed.
            _ = mvwaddnwstr(window, Int32(run.row), Int32(run.col), text, Int32(text.count))
        }
        _ = wattr_set(window, 0, 0, nil)
        wnoutrefresh(window)
        doupdate()
        drawn = fitted
    }

    /// Puts the terminal back to normal: stops input, shows the cursor, ends curses, then prints the messages
    /// given to `printAfterRestore(_:)`. Safe to call more than once and from any exit path.
    public func restore() {
        guard !isRestored else { return }
        isRestored = true
        stopEvents()
        signalHandling.release()
        if cursorVisibility != ERR { curs_set(cursorVisibility) }
        endwin()
        for message in messagesAfterRestore { Self.writeStandardError(message) }
        messagesAfterRestore = []
    }

    /// Keeps a message for standard error until the terminal is restored (where it would be visible).
    public func printAfterRestore(_ message: String) {
        if isRestored {
            Self.writeStandardError(message)
        } else {
            messagesAfterRestore.append(message)
        }
    }

    /// Restores the terminal, prints `message` to standard error and exits with `status`.
    public func terminate(message: String, status: Int32 = 1) -> Never {
        restore()
        Self.writeStandardError(message)
        exit(status)
    }

    /// The color pair for a style, set up with `init_pair` on first use.
    private func pairNumber(for style: CellStyle) -> Int16 {
        guard let key = mapping.colorPair(for: style) else { return 0 }
        let (number, isNew) = pairs.number(for: key)
        if isNew { init_pair(number, key.fg, key.bg) }
        return number
    }

    /// Writes a line to standard error (file descriptor 2), unbuffered.
    static func writeStandardError(_ message: String) {
        var line = message
        if !line.hasSuffix("\n") { line += "\n" }
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
