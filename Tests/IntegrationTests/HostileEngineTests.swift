import Foundation
import NIOCore
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// A fake engine (Tests/Support/hostile_engine.py) that sends what a real one will not: escape sequences in
/// every text, bodies that stall after their head, truncated JSON, absurd sizes and huge lists.
final class HostileEngine {
    static let script: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/hostile_engine.py").path
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Whether the fake engine can run here.
    static let isAvailable = python != nil

    let directory: String
    let socket: String
    let process = Process()

    /// Starts the fake engine in a mode and waits until it listens.
    init(_ mode: String, extra: [String] = []) throws {
        directory = NSTemporaryDirectory() + "voltop-hostile-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = directory + "/docker.sock"
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.script, socket, mode] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = out.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).contains("ready") else {
            throw EngineError(.engineFailure, "the hostile engine did not start")
        }
    }

    deinit {
        // SIGKILL: the test process may hand its children a blocked SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var host: String { "unix://" + socket }

    func connect(listingVolumes: Bool = false) async throws -> DockerEngine {
        try await DockerEngine.connect(
            try EngineEndpoint.parseHost(host, tls: nil, source: "test"), environment: [:], listingVolumes: listingVolumes)
    }

    /// Runs voltop against the fake engine with output to files (a huge list must not fill a pipe), killing it
    /// after `limit` seconds; returns its status, output and how long it took (nil status: it had to be killed).
    func voltop(_ args: [String], limit: Double = 60, environment: [String: String] = [:]) throws
        -> (status: Int32?, signaled: Bool, out: Data, err: Data, seconds: Double)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_CONTEXT"] = nil
        env["DOCKER_HOST"] = host
        env["VOLTOP_ENGINE_TIMEOUT"] = "3"
        env.merge(environment) { $1 }
        process.environment = env
        let outPath = directory + "/out-\(UUID().uuidString)"
        let errPath = directory + "/err-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        var killed = false
        if finished.wait(timeout: .now() + limit) == .timedOut {
            killed = true
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let seconds = Date().timeIntervalSince(start)
        try? outHandle.close()
        try? errHandle.close()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        let signaled = process.terminationReason == .uncaughtSignal
        return (killed ? nil : process.terminationStatus, signaled, out, err, seconds)
    }
}

/// What must never reach a terminal raw: C0 controls other than newline and tab (ESC, BEL), C1 controls (as
/// UTF-8 or as lone bytes) and DEL. Returns a description of each kind found.
func rawControls(in data: Data) -> [String] {
    var found: Set<String> = []
    let bytes = [UInt8](data)
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        if b == 0x1B {
            found.insert("ESC")
        } else if b == 0x07 {
            found.insert("BEL")
        } else if b < 0x20 && b != 0x0A && b != 0x09 {
            found.insert(String(format: "C0 0x%02x", b))
        } else if b == 0x7F {
            found.insert("DEL")
        } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
            found.insert(String(format: "C1 U+%04X", bytes[i + 1]))
            i += 1
        } else if (0x80...0x9F).contains(b), i == 0 || bytes[i - 1] < 0xC0 {
            // A continuation byte can be 0x80–0x9F; a C1 byte on its own follows no lead byte.
            var lead = i - 1
            while lead >= 0 && (0x80...0xBF).contains(bytes[lead]) { lead -= 1 }
            if lead < 0 || bytes[lead] < 0xC0 || i - lead > 3 { found.insert(String(format: "lone byte 0x%02x", b)) }
        }
        i += 1
    }
    return found.sorted()
}

/// Invisible or reordering characters the sanitizer must also replace (finding 8): bidi controls, zero-width
/// characters, U+061C, U+FEFF and tag characters.
func invisibleCharacters(in data: Data) -> [String] {
    let text = String(decoding: data, as: UTF8.self)
    let bad: [ClosedRange<UInt32>] = [
        0x061C...0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF...0xFEFF, 0xE0000...0xE007F
    ]
    var found: Set<String> = []
    for scalar in text.unicodeScalars where bad.contains(where: { $0.contains(scalar.value) }) {
        found.insert(String(format: "U+%04X", scalar.value))
    }
    return found.sorted()
}

@Suite(.serialized, .enabled(if: HostileEngine.isAvailable, "needs python3 for the fake engine"))
struct HostileEngineTests {
    static let commands: [[String]] = [["ls"], ["ls", "--size", "--json"], ["inspect", "plain"], ["rm", "plain"], ["prune", "--dry-run"]]

    /// Every command against an engine that stalls mid-body ends within seconds with an error that says so.
    @Test(arguments: commands)
    func stalledBodiesEndWithAClearError(_ args: [String]) throws {
        let engine = try HostileEngine("stall")
        let r = try engine.voltop(args)
        let err = String(decoding: r.err, as: UTF8.self)
        #expect(r.status != nil, "voltop \(args) hung on a stalled engine (killed after \(Int(r.seconds)) s)")
        #expect(r.status == 1, "voltop \(args): \(err)")
        #expect(r.seconds < 30, "voltop \(args) took \(r.seconds) s")
        #expect(err.contains("stopped answering"), "voltop \(args): \(err)")
        #expect(err.contains("restart"), "the message says what to do: \(err)")
        #expect(!r.signaled)
    }

    /// Escape sequences in names, labels, states and error messages never reach stdout or stderr raw.
    @Test(arguments: commands)
    func escapesNeverReachTheTerminal(_ args: [String]) throws {
        let engine = try HostileEngine("escapes")
        let r = try engine.voltop(args)
        #expect(r.status != nil && !r.signaled, "voltop \(args) hung or crashed")
        // JSON too: U+009B (a C1 control, CSI on a UTF-8 terminal) is written as \u009b.
        #expect(rawControls(in: r.out).isEmpty, "voltop \(args) stdout: \(rawControls(in: r.out))")
        #expect(rawControls(in: r.err).isEmpty, "voltop \(args) stderr: \(rawControls(in: r.err))")
    }

    /// Bidi and zero-width characters are replaced too (the sanitizer's gap of finding 8).
    @Test(arguments: commands)
    func invisibleCharactersNeverReachTheTerminal(_ args: [String]) throws {
        let engine = try HostileEngine("escapes")
        let r = try engine.voltop(args)
        #expect(r.status != nil && !r.signaled, "voltop \(args) hung or crashed")
        // U+061C, zero-width characters and U+FEFF are escaped as well (the sanitizer's gap of finding 8).
        #expect(invisibleCharacters(in: r.out + r.err).isEmpty, "voltop \(args): \(invisibleCharacters(in: r.out + r.err))")
    }

    /// Truncated JSON is a clear error, never a crash.
    @Test(arguments: commands)
    func truncatedJSONIsAClearError(_ args: [String]) throws {
        let engine = try HostileEngine("truncated")
        let r = try engine.voltop(args)
        let err = String(decoding: r.err, as: UTF8.self)
        // `rm` first reads the volume to keep it in the trash: a truncated answer stops it before anything is removed.
        #expect(r.status == 1, "voltop \(args): status \(String(describing: r.status)), \(err)")
        #expect(err.contains("could not be read"), "voltop \(args): \(err)")
        #expect(!err.contains("Fatal error"))
    }

    /// Absurd sizes in /system/df (Int64.max, -1, 1e30, Int64.min, past Int64) never crash a command.
    @Test(arguments: commands + [["ls", "--size"], ["ls", "--size", "--sort", "size"]])
    func absurdSizesNeverCrash(_ args: [String]) throws {
        let engine = try HostileEngine("sizes")
        let r = try engine.voltop(args)
        let err = String(decoding: r.err, as: UTF8.self)
        #expect(r.status != nil && !r.signaled, "voltop \(args) crashed or hung: \(err)")
        #expect(r.status == 0 || (r.status == 1 && !err.isEmpty), "voltop \(args): status \(String(describing: r.status)), \(err)")
        #expect(!err.contains("Fatal error"), "voltop \(args): \(err)")
    }

    /// 200,000 volumes and a 50 MB label: every command finishes in bounded time, without a crash.
    @Test(arguments: [["ls", "-q"], ["ls", "--size", "--json"], ["inspect", "plain"], ["prune", "--dry-run"]])
    func hugeListsFinish(_ args: [String]) throws {
        let engine = try HostileEngine("huge")
        let r = try engine.voltop(args, limit: 120)
        let err = String(decoding: r.err, as: UTF8.self)
        #expect(r.status != nil && !r.signaled, "voltop \(args) crashed or hung after \(Int(r.seconds)) s: \(err.prefix(500))")
        #expect(r.status == 0 || (r.status == 1 && !err.isEmpty), "voltop \(args): \(err.prefix(500))")
        if args == ["ls", "-q"] {
            #expect(r.out.count > 200_000 * 8, "every volume is listed")
        }
    }

    // MARK: The volume list asked for with the ping

    /// The dashboard's connect asks for the volume list alongside the ping; the first listing takes that answer (no
    /// request of its own), and the next one asks again.
    @Test func theListAskedWithThePingServesTheFirstListingOnly() async throws {
        let fake = try HostileEngine("normal")
        let engine = try await fake.connect(listingVolumes: true)
        let first = try await engine.volumes()
        #expect(first.map(\.name).sorted() == ["a39972e8da4af6b0a3d0a4d241ae196aa541ecae254f8615bf033d490f3ce813", "owned", "plain"])
        #expect(engine.requests.count == 2, "the ping and the early list")
        let second = try await engine.volumes()
        #expect(second.map(\.name).sorted() == first.map(\.name).sorted())
        #expect(engine.requests.count == 3)
        // A filtered listing never takes the early answer.
        let other = try await fake.connect(listingVolumes: true)
        let owned = try await other.volumes(filters: ["name": ["owned"]])
        #expect(other.requests.count == 3, "the ping, the early list and the filtered one")
        #expect(!owned.isEmpty)
    }

    /// Behind a proxy that refuses paths without a version, the early list fails and the listing is asked again,
    /// versioned: the user sees the volumes, not the proxy's 404.
    @Test func aRefusedEarlyListIsAskedAgainWithTheVersion() async throws {
        let fake = try HostileEngine("versioned")
        let engine = try await fake.connect(listingVolumes: true)
        let volumes = try await engine.volumes()
        #expect(volumes.count == 3)
        #expect(engine.requests.count == 3, "the ping, the refused early list and the versioned one")
        // Without the early list, nothing unversioned is sent at all.
        let plain = try await fake.connect()
        #expect(try await plain.volumes().count == 3)
        #expect(plain.requests.count == 2)
    }

    /// Size measurement right after a catalog load takes the list that load read, not a second one.
    @Test func aRecentListIsTakenAgainAndAnOldOneIsNot() async throws {
        let fake = try HostileEngine("normal")
        let engine = try await fake.connect()
        let listed = try await engine.volumes()
        let sent = engine.requests.count
        #expect(try await engine.volumes(listedWithin: 60) == listed)
        #expect(engine.requests.count == sent, "no request for a list read a moment ago")
        _ = try await engine.volumes(filters: ["name": ["owned"]])
        #expect(try await engine.volumes(listedWithin: 60) == listed, "a filtered list is not the whole list")
        #expect(engine.requests.count == sent + 1)
        try await Task.sleep(nanoseconds: 20_000_000)
        #expect(try await engine.volumes(listedWithin: 0.01) == listed)
        #expect(engine.requests.count == sent + 2, "a list older than asked is read again")
    }

    // MARK: The HTTP layer's time limits, in-process

    /// A request whose body stalls after its head fails with `.timeout` within its limit (async-http-client's
    /// deadline alone ends at the head: this hung forever).
    @Test func sendTimesOutOnAStalledBody() async throws {
        let fake = try HostileEngine("stall")
        let engine = try await fake.connect()
        let start = Date()
        do {
            _ = try await engine.http.send(.GET, engine.path("/volumes"), timeout: .seconds(2))
            Issue.record("a stalled body returned")
        } catch let error as EngineError {
            #expect(error.code == .timeout)
            #expect(error.message.contains("stopped answering"))
            #expect(error.message.contains("GET /v"))
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// A streamed body (an archive read) that stops sending fails with `.timeout` after the idle limit.
    @Test func streamedBodyTimesOutWhenIdle() async throws {
        let fake = try HostileEngine("stall")
        let engine = try await fake.connect()
        let start = Date()
        let (status, _, body) = try await engine.http.open(.GET, engine.path("/containers/x/archive"), idle: .seconds(1))
        #expect(status == 200)
        var received = 0
        do {
            for try await chunk in body { received += chunk.readableBytes }
            Issue.record("a stalled stream ended normally")
        } catch let error as EngineError {
            #expect(error.code == .timeout)
            #expect(error.message.contains("in the middle of its answer"), "\(error.message)")
        }
        #expect(received > 0, "the part sent before the stall was delivered")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// The idle limit counts only time spent waiting for the engine: a slow reader is not cut off.
    @Test func slowReaderIsNotCutOff() async throws {
        let fake = try HostileEngine("normal")
        let engine = try await fake.connect()
        let (status, _, body) = try await engine.http.open(.GET, engine.path("/containers/x/archive"), idle: .milliseconds(300))
        #expect(status == 200)
        var received = 0
        for try await chunk in body {
            received += chunk.readableBytes
            try await Task.sleep(nanoseconds: 600_000_000)
        }
        #expect(received == 4096)
    }

    /// The event stream has no idle limit: a quiet engine keeps it open. A hung engine is found by `ping`.
    @Test func quietEventStreamStaysOpenAndPingFindsAHang() async throws {
        let fake = try HostileEngine("hang", extra: ["--after", "2"])
        let engine = try await fake.connect()
        let ended = LockedFlag()
        let stream = Task {
            do { for try await _ in engine.events() {} } catch {}
            ended.set()
        }
        try await Task.sleep(nanoseconds: 3_500_000_000)
        #expect(!ended.value, "the quiet event stream ended by itself")
        // The engine now stalls every request; the stream, silent since it opened, is still open.
        let start = Date()
        do {
            try await engine.ping(within: 1.5)
            Issue.record("a hung engine answered the ping")
        } catch let error as EngineError {
            #expect(error.code == .timeout)
            #expect(error.message.contains("stopped answering"))
        }
        #expect(Date().timeIntervalSince(start) < 6)
        #expect(!ended.value, "the event stream ended by itself")
        stream.cancel()
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
    func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }
}

/// An engine whose `/system/df` fails for everyone (Podman 4.3 does, when one container is broken): `ls --size`
/// still lists every volume, says why sizes are missing, and exits 0.
@Suite(.enabled(if: HostileEngine.isAvailable, "needs python3 for the fake engine"))
struct FailingDiskUsageTests {
    @Test func lsSizeListsTheVolumesAndSaysWhySizesAreMissing() throws {
        let engine = try HostileEngine("dffails")
        let r = try engine.voltop(["ls", "--size"])
        let out = String(decoding: r.out, as: UTF8.self)
        let err = String(decoding: r.err, as: UTF8.self)
        #expect(r.status == 0, "\(err)")
        #expect(out.contains("NAME") && out.split(separator: "\n").count > 1, "\(out)")
        #expect(err.contains("the engine's sizes are not available") && err.contains("failed to get state of container"), "\(err)")
    }
}
