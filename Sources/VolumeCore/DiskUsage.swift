#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes the volume part of `/system/df` in its legacy (`Volumes`) and 1.52 (`VolumeUsage.Items`) shapes.
enum DiskUsage {
    struct Entry: Decodable {
        struct Usage: Decodable {
            var Size: Int64?
            var RefCount: Int64?
        }
        var Name: String
        var UsageData: Usage?
    }
    struct Reply: Decodable {
        struct VolumeUsage: Decodable { var Items: [Entry]? }
        var Volumes: [Entry]?
        var VolumeUsage: VolumeUsage?
    }

    static func decode(_ data: Data) throws -> [String: (size: Int64, refCount: Int64)] {
        let reply: Reply
        do { reply = try JSONDecoder().decode(Reply.self, from: data) } catch {
            throw EngineError(.malformedResponse, "the engine's answer to GET /system/df could not be read", cause: "\(error)")
        }
        var out: [String: (size: Int64, refCount: Int64)] = [:]
        for entry in (reply.Volumes ?? []) + (reply.VolumeUsage?.Items ?? []) {
            out[entry.Name] = (entry.UsageData?.Size ?? -1, entry.UsageData?.RefCount ?? -1)
        }
        return out
    }
}

/// Accepts any JSON value and ignores it.
struct AnyDecodable: Decodable {
    init(from decoder: Decoder) throws {}
}
