// libFuzzer target: the `/events` stream: LineSplitter over arbitrary chunks, then EngineEvent.decode per line
// and everything the runtime reads from an event.
//
// Input: one control byte (chunk size: 0 = all at once, else n bytes), then the stream.
@testable import VolumeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = input[0] == 0 ? max(1, input.count - 1) : Int(input[0])
    var splitter = LineSplitter()
    var offset = 1
    while offset < input.count {
        let end = min(input.count, offset + chunk)
        for line in splitter.feed(Array(input[offset..<end])) {
            precondition(line.count <= LineSplitter.maxLineBytes, "a line longer than the cap was delivered")
            precondition(!line.contains(0x0A), "a line holds a newline")
            guard let event = EngineEvent.decode(line) else { continue }
            _ = event.subject
            _ = event.changesCatalog
            _ = event.isFromVoltopHelper
            _ = event.resumeToken
            _ = Sanitizer.inline(event.action)
        }
        offset = end
    }
    return 0
}
