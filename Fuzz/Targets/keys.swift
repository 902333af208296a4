// libFuzzer target: the key decoder (`get_wch` results and mouse states to KeyPress values).
//
// Input: records of 13 bytes: status selector (1), code (4), mouse state (4), row (2), col (2).
import CNcursesw
import VolumeUI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeys(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    func word(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
    var at = 0
    while at + 13 <= size {
        let statuses: [Int32] = [OK, KEY_CODE_YES, ERR, Int32(bitPattern: word(at + 1))]
        let status = statuses[Int(bytes[at] % 4)]
        let code = word(at + 1)
        if let decoded = KeyDecoder.decode(status: status, code: code), case .key(let key) = decoded {
            _ = key.description
        }
        _ = KeyDecoder.character(code)
        _ = KeyDecoder.functionKey(Int32(bitPattern: code))
        let row = Int(Int16(bitPattern: UInt16(bytes[at + 9]) | UInt16(bytes[at + 10]) << 8))
        let col = Int(Int16(bitPattern: UInt16(bytes[at + 11]) | UInt16(bytes[at + 12]) << 8))
        _ = KeyDecoder.mouseEvent(state: mmask_t(word(at + 5)), row: row, col: col)
        at += 13
    }
    return 0
}
