import CNcursesw
import Dispatch
import Glibc
import VolumeUI

// All calls to the shim's stateful functions (cnc_winchPipe*, cnc_crashRestore*) must stay in this one file:
// each Swift file gets its own copy of a `static inline` function's function-local statics.

extension Terminal {
    /// Keys, mouse events and resizes as they arrive, decoded from `get_wch`.
    ///
    /// Nothing polls: the main queue wakes up when standard input is readable or SIGWINCH fires. Calling it again
    /// ends the previous stream. The stream finishes when the terminal is restored or its input is closed.
    public func events() -> AsyncStream<KeyPress> {
        let (stream, continuation) = AsyncStream.makeStream(of: KeyPress.self, bufferingPolicy: .bufferingNewest(4096))
        self.continuation?.finish()
        guard !isRestored else {
            continuation.finish()
            return stream
        }
        self.continuation = continuation
        startInputSources()
        return stream
    }

    /// Starts watching standard input and the SIGWINCH pipe, once.
    private func startInputSources() {
        guard inputSource == nil else { return }
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler { [weak self] in
            MainActor.assumeIsolated { self?.inputBecameReadable() }
        }
        inputSource = input
        input.resume()

        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }  // without it, a resize shows up with the next key
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        guard cnc_winchPipeInstall(writeEnd) == 0 else {
            close(readEnd)
            close(writeEnd)
            return
        }
        let resize = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .main)
        resize.setEventHandler { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
            MainActor.assumeIsolated { _ = self?.drainInput() }
        }
        resize.setCancelHandler {
            close(readEnd)
            close(writeEnd)
        }
        resizeSource = resize
        resize.resume()
    }

    /// Handles a wake-up for standard input; finishes the stream when the input has gone away (end of file).
    private func inputBecameReadable() {
        if drainInput() > 0 || (inputSource?.data ?? 0) > 0 {
            emptyWakeups = 0
            return
        }
        // Readable, yet nothing to read, again and again: end of file or hang-up.
        emptyWakeups += 1
        if emptyWakeups >= 64 {
            inputSource?.cancel()
            inputSource = nil
            continuation?.finish()
            continuation = nil
        }
    }

    /// Reads every pending key with `get_wch` (non-blocking) and delivers it; returns how many codes were read.
    @discardableResult
    func drainInput() -> Int {
        guard !isRestored else { return 0 }
        var count = 0
        var code: wint_t = 0
        // A bound, so that a flood cannot starve the main queue; the source fires again for the rest.
        while count < 4096 {
            let status = wget_wch(window, &code)
            if status == ERR { break }
            count += 1
            switch KeyDecoder.decode(status: status, code: code) {
            case .key(let key)?:
                continuation?.yield(key)
            case .resize?:
                needsFullRedraw = true
                let (rows, cols) = size
                continuation?.yield(.resize(rows: rows, cols: cols))
            case .mouse?:
                var event = MEVENT()
                guard getmouse(&event) == OK,
                    let mouse = KeyDecoder.mouseEvent(state: event.bstate, row: Int(event.y), col: Int(event.x))
                else { continue }
                continuation?.yield(.mouse(mouse))
            case nil:
                continue
            }
        }
        return count
    }

    /// Stops reading input, removes the SIGWINCH handler and finishes the stream.
    func stopEvents() {
        inputSource?.cancel()
        inputSource = nil
        if resizeSource != nil {
            _ = cnc_winchPipeRemove()
            resizeSource?.cancel()  // its cancel handler closes the pipe
            resizeSource = nil
        }
        continuation?.finish()
        continuation = nil
    }
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT while the terminal is in use: restore it, then exit with 128 + the signal.
///
/// The signals are set to `SIG_IGN` and read by dispatch sources on the main queue, so the terminal is restored
/// on the main actor, never inside a signal handler. A crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP:
/// a Swift trap) ends curses in a C handler, then lets the previous handler (Swift's backtracer) report it.
@MainActor
final class SignalHandling {
    /// The terminal to restore.
    weak var terminal: Terminal?
    private var sources: [any DispatchSourceSignal] = []
    private var previousHandlers: [(signal: Int32, handler: sighandler_t?)] = []

    /// Starts handling the signals (before ncurses starts, so that it keeps out of them).
    init() {
        for signo in Terminal.exitSignals {
            // SIG_IGN first: on Linux, libdispatch installs its own handler when the source is resumed (on its
            // manager thread); ignoring the signal afterwards could replace that handler and lose the signal.
            previousHandlers.append((signo, signal(signo, SIG_IGN)))
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .main)
            source.setEventHandler { [weak self] in
                MainActor.assumeIsolated {
                    self?.terminal?.restore()
                    self?.terminal?.onSignalExit?()
                    exit(128 + signo)
                }
            }
            source.resume()
            sources.append(source)
        }
        cnc_crashRestoreInstall()
    }

    /// Stops handling the signals and puts back what was there before. Idempotent.
    func release() {
        cnc_crashRestoreRemove()
        for source in sources { source.cancel() }
        sources = []
        for (signo, handler) in previousHandlers { signal(signo, handler) }
        previousHandlers = []
    }
}
