import VolumeCore

/// What the confirms say about the trash: how long removed volumes are kept, and the size over which they are not.
public struct TrashNote: Sendable, Equatable {
    /// How long items are kept, in words ("7 days").
    public var retentionText: String
    /// The largest volume kept, in bytes.
    public var maxVolumeBytes: Int64

    /// A note from its parts.
    public init(retentionText: String, maxVolumeBytes: Int64) {
        self.retentionText = retentionText
        self.maxVolumeBytes = maxVolumeBytes
    }

    /// Whether a volume of this size (nil: unknown) is kept; an unknown size is tried (the copy stops at the cap,
    /// and then the volume is not removed).
    public func keeps(_ size: Int64?) -> Bool { (size ?? 0) <= maxVolumeBytes }

    /// The line a confirm shows for volumes of these sizes.
    func line(sizes: [Int64?]) -> String {
        let over = sizes.filter { !keeps($0) }.count
        let cap = Format.bytes(maxVolumeBytes)
        if sizes.count == 1 {
            return over == 1
                ? "It is over the trash's \(cap) cap: its data is deleted for good."
                : "A copy is kept in the trash for \(retentionText) (voltop restore NAME)."
        }
        if over == 0 { return "Copies are kept in the trash for \(retentionText) (voltop restore NAME)." }
        if over == sizes.count { return "All are over the trash's \(cap) cap: their data is deleted for good." }
        return "Copies are kept in the trash for \(retentionText), except \(over) over its \(cap) cap: deleted for good."
    }
}
