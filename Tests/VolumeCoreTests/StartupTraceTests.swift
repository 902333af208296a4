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
}
