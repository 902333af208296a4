import Testing

@testable import VolumeCore

/// The trace lines `scripts/bench-scale` parses: `"%8.1f ms  STEP\n"`.
@Suite struct StartupTraceTests {
    @Test func linesReadAsPrintfWouldWriteThem() {
        #expect(StartupTrace.line(milliseconds: 21.34, step: "parsed") == "    21.3 ms  parsed\n")
        #expect(StartupTrace.line(milliseconds: 0.04, step: "a") == "     0.0 ms  a\n")
        #expect(StartupTrace.line(milliseconds: 133.25, step: "frame with names") == "   133.3 ms  frame with names\n")
        #expect(StartupTrace.line(milliseconds: 1_234_567.89, step: "x") == "1234567.9 ms  x\n")
    }

    @Test func theStartIsField22CountedAfterTheCommandName() {
        // A command name with spaces and a parenthesis, as a process may name itself.
        let line = "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 200 18446744073709551615\n"
        #expect(StartupTrace.startTicks(stat: Array(line.utf8)[...]) == 123_456)
        #expect(StartupTrace.startTicks(stat: Array("4242 (x) S 1 2".utf8)[...]) == nil)
        #expect(StartupTrace.startTicks(stat: Array("no parenthesis".utf8)[...]) == nil)
    }
}
