import Testing

@testable import VolumeCore

@Suite struct EngineErrorTests {
    @Test func aCauseThatRepeatsTheMessageIsLeftOut() {
        let missing = EngineError(
            .notFound, "no such volume: nope. List volumes with `voltop ls`", cause: "get nope: no such volume")
        #expect(missing.description == "no such volume: nope. List volumes with `voltop ls`")
        #expect(EngineError(.conflict, "volume is in use", cause: "  ").description == "volume is in use")
        #expect(EngineError(.conflict, "Volume Is In Use by c1", cause: "volume is in use").description == "Volume Is In Use by c1")
    }

    @Test func aCauseThatAddsSomethingIsKept() {
        let refused = EngineError(
            .engineFailure, "the engine failed (HTTP 500)", cause: "a disk usage operation is already running")
        #expect(refused.description == "the engine failed (HTTP 500) (a disk usage operation is already running)")
        // A short last part ("x: busy") is not enough to call it a repeat.
        #expect(EngineError(.conflict, "busy volume", cause: "remove v: busy").description == "busy volume (remove v: busy)")
    }
}
