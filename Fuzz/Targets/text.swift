// libFuzzer target: the Sanitizer and DisplayWidth over arbitrary bytes, with their promises as assertions:
// sanitized text holds no unsafe scalar, and truncate/pad fit the width they were given.
//
// Input: one width byte, then the text (decoded as UTF-8 with repairs, and also escaped as raw bytes).
@testable import VolumeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let width = Int(data[0] % 64)
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let text = String(decoding: bytes, as: UTF8.self)
    for clean in [Sanitizer.inline(text), Sanitizer.inline(bytes: bytes)] {
        precondition(!clean.unicodeScalars.contains(where: Sanitizer.isUnsafe), "sanitized text holds an unsafe scalar")
        precondition(!clean.utf8.contains(0x1B), "sanitized text holds ESC")
        precondition(!Sanitizer.needsEscaping(clean), "sanitized text needs escaping again")
        let cut = DisplayWidth.truncate(clean, to: width)
        precondition(DisplayWidth.of(cut) <= width, "truncate exceeded its width")
        let padded = DisplayWidth.pad(clean, to: width)
        precondition(DisplayWidth.of(padded) == width, "pad missed its width")
    }
    _ = DisplayWidth.of(text)
    return 0
}
