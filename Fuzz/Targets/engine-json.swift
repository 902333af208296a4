// libFuzzer target: the decoders of the engine's JSON answers, and what voltop computes from them.
//
// Input: one selector byte, then the body.
//   0: `GET /volumes` (JSONDecoder and VolumeListDecoder must agree)   1: `GET /containers/json`      2: `GET /system/df`
//   3: `X-Docker-Container-Path-Stat` header value (base64)      4: `GET /volumes/{name}`
//   5: volumes, containers and df bodies separated by NUL bytes, joined into a Catalog
// Whatever decodes is turned into a catalog, its totals and its table text (sizes near Int64.max must not trap).
import Foundation

@testable import VolumeCore

private struct VolumeList: Decodable {
    var Volumes: [Volume]?
}

private func exercise(_ catalog: Catalog) {
    _ = catalog.totalKnownBytes
    _ = catalog.reclaimableBytes
    for entry in catalog.entries.prefix(64) {
        _ = Format.size(entry.size)
        _ = Format.owners(entry)
        _ = Format.shortName(entry)
        _ = Sanitizer.inline(entry.name)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngineJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0] % 6
    let body = Data(bytes: data + 1, count: size - 1)
    let decoder = JSONDecoder()
    switch selector {
    case 0:
        // voltop reads this answer with its own decoder: it must agree with JSONDecoder on every input.
        let expected = Result { try decoder.decode(VolumeList.self, from: body).Volumes ?? [] }
        let read = Result { try VolumeListDecoder.decode(body) }
        switch (expected, read) {
        case (.success(let volumes), .success(let same)):
            if volumes != same { fatalError("VolumeListDecoder read other volumes than JSONDecoder") }
            exercise(Catalog(volumes: volumes, containers: []))
        case (.failure, .failure): break
        case (.success, .failure(let error)): fatalError("VolumeListDecoder refused what JSONDecoder read: \(error)")
        case (.failure(let error), .success): fatalError("VolumeListDecoder read what JSONDecoder refused: \(error)")
        }
    case 1:
        if let containers = try? decoder.decode([Container].self, from: body) {
            exercise(Catalog(volumes: [], containers: containers))
        }
    case 2:
        if let sizes = try? DiskUsage.decode(body) {
            let volumes = sizes.keys.prefix(64).map { Volume(name: $0) }
            exercise(Catalog(volumes: volumes, containers: [], sizes: sizes))
        }
    case 3:
        if let stat = ArchiveStat.decode(header: String(decoding: body, as: UTF8.self)) {
            _ = stat.kindText
            _ = Format.bytes(stat.size)
        }
    case 4:
        if let volume = try? decoder.decode(Volume.self, from: body) {
            exercise(Catalog(volumes: [volume], containers: [], sizes: [volume.name: (size: 0, refCount: 0)]))
        }
    default:
        let parts = body.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return 0 }
        let volumes = (try? decoder.decode(VolumeList.self, from: Data(parts[0])))?.Volumes ?? []
        let containers = (try? decoder.decode([Container].self, from: Data(parts[1]))) ?? []
        let sizes = try? DiskUsage.decode(Data(parts[2]))
        exercise(Catalog(volumes: volumes, containers: containers, sizes: sizes))
    }
    return 0
}
