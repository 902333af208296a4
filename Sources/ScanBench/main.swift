// ScanBench: the cost of measuring a volume again, for scripts/bench-growth.
//
//   swift build -c release --product ScanBench && .build/release/ScanBench TREE [--runs N]
//
// Times, on TREE (a directory; nothing in it is changed except one file the bench adds and removes at its top):
//   full walk         the parallel scanner (what `du`, the tree and the SIZE column use)
//   incremental       IncrementalDiskUsage again with nothing changed (one fstat per directory)
//   after a new file  IncrementalDiskUsage after one file is created (its directory is read again)
//   one growing file  what the dashboard does with fanotify: one fstat of the written file
import Foundation
import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: ScanBench TREE [--runs N]\n".utf8))
    exit(2)
}
let tree = args[1]
var runs = 5
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 { runs = n }

var full: [Double] = []
var fullBytes: Int64 = 0
var entries = 0
for _ in 0..<runs {
    let start = now()
    let scan = try await VolumeScanner.scan(rootPath: tree, options: ScanOptions())
    full.append(now() - start)
    fullBytes = scan.diskUsageBytes
    entries = scan.totals.entries
}

let incremental = IncrementalDiskUsage(rootPath: tree)
var start = now()
let first = try incremental.measure()
let firstPass = now() - start
let directories = incremental.lastWork.directoriesRead

var again: [Double] = []
for _ in 0..<runs {
    start = now()
    _ = try incremental.measure()
    again.append(now() - start)
}

let probe = tree + "/.scanbench-new-file"
var afterNew: [Double] = []
var afterWork = IncrementalDiskUsage.Work()
for run in 0..<runs {
    let fd = open(probe, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
    var data = [UInt8](repeating: 0x61, count: 1 << 20)
    _ = write(fd, &data, data.count)
    close(fd)
    start = now()
    _ = try incremental.measure()
    afterNew.append(now() - start)
    afterWork = incremental.lastWork
    unlink(probe)
    if run < runs - 1 { _ = try incremental.measure() }
}

// One growing file, followed through fanotify: the event's descriptor is fstat'ed.
let fd = open(probe, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o644)
var stats: [Double] = []
var st = stat()
for _ in 0..<1000 {
    var chunk = [UInt8](repeating: 0x62, count: 4096)
    _ = write(fd, &chunk, chunk.count)
    start = now()
    _ = fstat(fd, &st)
    stats.append(now() - start)
}
close(fd)
unlink(probe)

func ms(_ s: Double) -> String { String(format: "%9.2f ms", s * 1000) }
print("tree: \(tree): \(entries) entries, \(directories) directories, \(Format.bytes(fullBytes)) disk usage")
print("full walk (parallel scanner, median of \(runs))      \(ms(median(full)))")
print(
    "incremental, first pass (builds its cache)          \(ms(firstPass))   \(first == fullBytes ? "same total" : "total differs: \(first) vs \(fullBytes)")"
)
print("incremental, nothing changed (median)                \(ms(median(again)))")
print(
    "incremental, one new file (median)                   \(ms(median(afterNew)))   (\(afterWork.directoriesRead) directory read, \(afterWork.entriesStatted) entries stat'ed)"
)
print("one growing file followed by fanotify (fstat)        \(String(format: "%9.4f ms", median(stats) * 1000))")
