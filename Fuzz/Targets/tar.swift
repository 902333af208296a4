// libFuzzer target: the tar reader (TarReader) fed an arbitrary stream in arbitrary chunks.
//
// Input: one control byte, then the stream. The control byte's low nibble sets the capture limit
// (0...15 * 64 bytes), its high nibble the chunk size (0: the whole stream at once, else n * 37 bytes).
@testable import VolumeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let control = input[0]
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    let captureLimit = Int(control & 0x0F) * 64
    var reader = TarReader(captureLimit: captureLimit)
    let chunk = control >> 4 == 0 ? max(1, stream.count) : Int(control >> 4) * 37
    var offset = 0
    do {
        while offset < stream.count && !reader.isFinished {
            let end = min(stream.count, offset + chunk)
            try reader.feed(UnsafeRawBufferPointer(rebasing: stream[offset..<end])) { entry in
                precondition(entry.size >= 0 && entry.size <= TarReader.sizeLimit, "entry size out of range")
                precondition(entry.bodyPrefix.count <= captureLimit, "kept more than the capture limit")
                _ = Sanitizer.inline(bytes: entry.name)
                _ = Sanitizer.inline(bytes: entry.linkName)
                _ = entry.kind
            }
            offset = end
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}
