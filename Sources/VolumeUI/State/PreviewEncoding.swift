/// How a file preview shows the file's first bytes.
enum PreviewEncoding: Sendable, Equatable {
    /// As text (valid UTF-8 with few control characters).
    case text
    /// As a hex dump with an ASCII column.
    case hex
}
