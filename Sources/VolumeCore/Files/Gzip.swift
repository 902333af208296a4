import CZlib

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Gzip compression and decompression of a byte stream, chunk by chunk (zlib through `CZlib`).
///
/// One value compresses (or decompresses) one stream: `feed` returns the output its input completed, `finish`
/// the rest. Memory stays bounded (zlib's window and one output buffer), whatever the stream's length.
public final class GzipStream {
    /// Which way the bytes go.
    public enum Direction: Sendable {
        case compress
        case decompress
    }

    private var stream = z_stream()
    private let direction: Direction
    private var isOpen = false
    private var isEnded = false
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    /// A stream for one direction; `level` (1-9) applies to compression.
    public init(_ direction: Direction, level: Int32 = 6) throws {
        self.direction = direction
        let status = direction == .compress ? cz_deflate_init_gzip(&stream, level) : cz_inflate_init_gzip(&stream)
        guard status == Z_OK else { throw Self.error(status, direction, "could not start zlib") }
        isOpen = true
    }

    deinit {
        guard isOpen else { return }
        if direction == .compress { deflateEnd(&stream) } else { inflateEnd(&stream) }
    }

    /// Whether the two bytes that start a gzip stream (`1f 8b`) start `bytes`.
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// Whether the decompressed stream's end (its trailer) was read.
    public var isFinished: Bool { isEnded }

    /// Consumes `input`; hands what it completed to `emit` (possibly nothing, possibly several chunks).
    public func feed(_ input: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run(input, flush: Z_NO_FLUSH, emit)
    }

    /// Ends the stream: compression writes the rest and the trailer; decompression checks the trailer was read.
    public func finish(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if direction == .compress {
            try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, emit)
        } else if !isEnded {
            throw EngineError(.malformedResponse, "the gzip stream ends before its end: the file is truncated or not gzip")
        }
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !isEnded || input.isEmpty else {
            throw EngineError(.malformedResponse, "there are bytes after the end of the gzip stream: only one gzip member is read")
        }
        let base = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.next_in = base
        stream.avail_in = uInt(input.count)
        let capacity = output.count
        try output.withUnsafeMutableBytes { out in
            guard let outBase = out.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
            while true {
                stream.next_out = outBase
                stream.avail_out = uInt(capacity)
                let status = direction == .compress ? deflate(&stream, flush) : inflate(&stream, Z_NO_FLUSH)
                let produced = capacity - Int(stream.avail_out)
                if produced > 0 { try emit(UnsafeRawBufferPointer(start: outBase, count: produced)) }
                switch status {
                case Z_STREAM_END:
                    isEnded = true
                    if direction == .decompress, stream.avail_in > 0 {
                        throw EngineError(
                            .malformedResponse, "there are bytes after the end of the gzip stream: only one gzip member is read")
                    }
                    return
                case Z_OK:
                    // More to do while output filled up or input remains (or, finishing, until the stream ends).
                    if stream.avail_out == 0 || stream.avail_in > 0 || flush == Z_FINISH { continue }
                    return
                case Z_BUF_ERROR:
                    // No progress possible: all input consumed and nothing more to write.
                    if flush == Z_FINISH { throw Self.error(status, direction, "zlib could not finish the stream") }
                    return
                default:
                    throw Self.error(status, direction, "the gzip stream is damaged")
                }
            }
        }
    }

    private static func error(_ status: Int32, _ direction: Direction, _ what: String) -> EngineError {
        EngineError(
            direction == .compress ? .engineFailure : .malformedResponse, "\(what) (zlib status \(status))")
    }
}
