import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP reply from the engine, fully read.
struct EngineReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    /// The body, in the buffer the HTTP client read it into.
    private let bytes: ByteBuffer

    /// The body (a copy: readers of a big body use `withBody`).
    var body: Data { Data(bytes.readableBytesView) }
    /// The body's length.
    var bodyCount: Int { bytes.readableBytes }

    /// Reads the body where it lies.
    func withBody<T>(_ read: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeReadableBytes(read)
    }

    /// A response read whole (at most `limit` bytes of body).
    init(_ response: HTTPClientResponse, upTo limit: Int) async throws {
        bytes = try await response.body.collect(upTo: limit)
        status = Int(response.status.code)
        headers = response.headers.map { ($0.name, $0.value) }
    }

    init(status: Int, headers: [(String, String)], body: Data) {
        self.status = status
        self.headers = headers
        self.bytes = ByteBuffer(bytes: body)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringASCIICase(name) }?.1
    }
}

/// The HTTP layer: builds URLs for the endpoint's transport, sends requests with async-http-client,
/// and turns transport failures into `EngineError`s that say how to fix them.
struct EngineHTTP: Sendable {
    let endpoint: EngineEndpoint
    /// The socket in use (the default one or the fallback that answered).
    let socketPath: String?
    let client: HTTPClient
    let logger: Logger
    /// Counts every request sent, for benchmarks and tests.
    let counter: RequestCounter

    init(endpoint: EngineEndpoint, socketPath: String? = nil, logger: Logger, counter: RequestCounter) throws {
        self.endpoint = endpoint
        self.logger = logger
        self.counter = counter
        switch endpoint.transport {
        case .unix(let path):
            self.socketPath = socketPath ?? path
            self.client = try EngineClients.client(for: nil)
        case .tcp(_, _, let tls):
            self.socketPath = nil
            self.client = try EngineClients.client(for: tls)
        case .ssh(let target):
            self.socketPath = try SSHDialer.dialer(for: target).socketPath
            self.client = try EngineClients.client(for: nil)
        }
    }

    /// The URL for a path and query on this endpoint.
    func url(_ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = []) -> String {
        var q = ""
        let items =
            query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" } + byteQuery.map { "\(Self.encode($0.0))=\(Self.encode(bytes: $0.1))" }
        if !items.isEmpty {
            q = "?" + items.joined(separator: "&")
        }
        switch endpoint.transport {
        case .unix, .ssh:
            let socket = (socketPath ?? "").percentEncoded()
            return "http+unix://\(socket)\(path)\(q)"
        case .tcp(let host, let port, let tls):
            let h = host.contains(":") ? "[\(host)]" : host
            return "\(tls == nil ? "http" : "https")://\(h):\(port)\(path)\(q)"
        }
    }

    static func encode(_ s: String) -> String {
        s.percentEncoded(keeping: "-._~")
    }

    /// Percent-encodes raw bytes (names inside volumes need not be UTF-8), keeping only unreserved characters.
    static func encode(bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count * 3)
        for b in bytes {
            let unreserved =
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2D || b == 0x2E || b == 0x5F
                || b == 0x7E
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Sends a request and reads the whole reply (up to 256 MiB), all of it within `timeout`.
    ///
    /// The time limit covers the body too: async-http-client's own deadline ends when the head arrives, so an
    /// engine (or a proxy) that sends headers and then stalls would otherwise hang the caller forever.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = [], body: Data? = nil,
        contentType: String = "application/json", timeout: TimeAmount = .seconds(60)
    ) async throws -> EngineReply {
        var request = HTTPClientRequest(url: url(path, query: query, byteQuery: byteQuery))
        request.method = method
        // A unix socket has no host; dockerd rejects requests without a Host header.
        if socketPath != nil { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "User-Agent", value: "voltop/\(VoltopVersion.current)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        counter.increment()
        logger.debug("engine request", metadata: ["method": "\(method.rawValue)", "path": "\(path)"])
        let limit = EngineTimeouts.limited(timeout)
        let request_ = request
        let client = self.client
        let stalled = stalledError(method, path, after: limit)
        do {
            return try await Self.within(limit, onTimeout: stalled) {
                try await EngineReply(try await client.execute(request_, deadline: .distantFuture), upTo: 256 << 20)
            }
        } catch {
            throw mapped(error)
        }
    }

    /// An error of a request as the caller sees it: voltop's own errors as they are, a cancellation as one, a
    /// transport failure diagnosed.
    func mapped(_ error: any Error) -> any Error {
        if error is EngineError { return error }
        if Task.isCancelled { return CancellationError() }
        return diagnose(error)
    }

    /// Opens the event stream and returns its status and body.
    ///
    /// The head must arrive within the usual time, but the body has no time limit: the engine sends nothing
    /// at all while the host is quiet, for hours. The dashboard notices a hung engine by pinging it on the
    /// side (`DockerEngine.ping`), not by the stream's silence.
    func stream(_ path: String, query: [(String, String)]) async throws -> (Int, HTTPClientResponse.Body) {
        var request = HTTPClientRequest(url: url(path, query: query))
        if socketPath != nil { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "Accept", value: "application/x-ndjson, application/json")
        counter.increment()
        let limit = EngineTimeouts.limited(EngineTimeouts.head)
        let request_ = request
        let client = self.client
        do {
            let response = try await Self.within(limit, onTimeout: stalledError(.GET, path, after: limit)) {
                try await client.execute(request_, deadline: .distantFuture)
            }
            return (Int(response.status.code), response.body)
        } catch {
            throw mapped(error)
        }
    }

    /// Sends a request and returns as soon as the reply's head is in: status, headers and the body as a stream.
    ///
    /// `timeout` covers the head. The body may take as long as it needs while bytes keep coming, but a pause of
    /// `idle` with no byte while the caller waits for one ends it with a `.timeout` error
    /// (an archive of a large volume streams for minutes; a stalled one must not hang). Dropping the body before
    /// its end closes the connection (async-http-client cancels the request), which is how partial reads end.
    func open(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = [],
        timeout: TimeAmount = .seconds(60), idle: TimeAmount = EngineTimeouts.streamIdle
    ) async throws -> (status: Int, headers: [(String, String)], body: HTTPClientResponse.Body) {
        var request = HTTPClientRequest(url: url(path, query: query, byteQuery: byteQuery))
        request.method = method
        if socketPath != nil { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "User-Agent", value: "voltop/\(VoltopVersion.current)")
        counter.increment()
        logger.debug("engine request", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "stream": "true"])
        let limit = EngineTimeouts.limited(timeout)
        let request_ = request
        let client = self.client
        do {
            let response = try await Self.within(limit, onTimeout: stalledError(method, path, after: limit)) {
                try await client.execute(request_, deadline: .distantFuture)
            }
            let idle = EngineTimeouts.limited(idle)
            let body = IdleLimitedBody(base: response.body, idle: idle, stalled: stalledError(method, path, after: idle, midStream: true))
            return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, .stream(body))
        } catch {
            throw mapped(error)
        }
    }

    /// Sends a request whose body is a stream of bytes (an archive into a helper), then reads the reply (up to 1 MiB).
    ///
    /// No overall time limit: the body takes as long as its source does (a large volume takes minutes); the
    /// caller ends it by cancelling. Sent with chunked transfer encoding.
    func upload<Body: AsyncSequence & Sendable>(
        _ method: HTTPMethod, _ path: String, byteQuery: [(String, [UInt8])] = [], body: Body, contentType: String = "application/x-tar"
    ) async throws -> EngineReply where Body.Element == ByteBuffer {
        var request = HTTPClientRequest(url: url(path, byteQuery: byteQuery))
        request.method = method
        if socketPath != nil { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "User-Agent", value: "voltop/\(VoltopVersion.current)")
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .stream(body, length: .unknown)
        counter.increment()
        logger.debug("engine request", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "upload": "true"])
        do {
            return try await EngineReply(try await client.execute(request, deadline: .distantFuture), upTo: 1 << 20)
        } catch {
            throw mapped(error)
        }
    }

    /// The error for an engine that stopped answering a request (before or in the middle of its reply).
    func stalledError(_ method: HTTPMethod, _ path: String, after limit: TimeAmount, midStream: Bool = false) -> EngineError {
        let seconds = Double(limit.nanoseconds) / 1e9
        let shown = seconds == seconds.rounded() ? "\(Int(seconds)) s" : CFormat.string("%.1f s", seconds)
        let what = midStream ? "sent nothing more for \(shown) in the middle of its answer" : "did not finish its answer within \(shown)"
        let withoutQuery = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return EngineError(
            .timeout,
            "the engine at \(displayAddress) stopped answering: it \(what) to \(method.rawValue) \(withoutQuery). "
                + "Check that the daemon (or a proxy in front of it) is running and not hung, e.g. systemctl status docker; "
                + "restart it if needed, then try again")
    }

    /// Runs `operation`; when it is not done within `limit`, cancels it and throws `onTimeout`.
    ///
    /// Async-http-client's requests and body reads end promptly when cancelled (the connection is closed).
    static func within<T: Sendable>(
        _ limit: TimeAmount, onTimeout: EngineError, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: TimedOutcome<T>.self) { group in
            group.addTask { .done(try await operation()) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, limit.nanoseconds)))
                return .timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            switch first {
            case .done(let value): return value
            case .timedOut: throw onTimeout
            }
        }
    }

    /// Maps a transport failure to an error that names the address, how it was found and what to do.
    func diagnose(_ error: Error) -> EngineError {
        let text = Self.systemCause(String(describing: error))
        let found = "found via \(endpoint.source)"
        if let hc = error as? HTTPClientError, hc == .deadlineExceeded || hc == .connectTimeout || hc == .readTimeout {
            return EngineError(
                .timeout,
                "the engine at \(displayAddress) (\(found)) stopped answering: is it overloaded or hung? "
                    + "Check the daemon (systemctl status docker) and restart it if needed",
                cause: text)
        }
        if case .ssh(let target) = endpoint.transport {
            if let why = (try? SSHDialer.dialer(for: target))?.takeFailure(waiting: 2) {
                // ssh said why; the reset connection it left behind adds nothing.
                return EngineError(.unreachable, "\(why) (\(found))")
            }
            return EngineError(
                .unreachable,
                "cannot reach the engine over \(target.address) (\(found)): is docker running on that host? "
                    + "Try: ssh \(target.user.map { "-l \($0) " } ?? "")\(target.port.map { "-p \($0) " } ?? "")\(target.host) docker version",
                cause: text)
        }
        if let socketPath {
            switch SocketProbe.connectErrno(socketPath) {
            case .some(EACCES), .some(EPERM):
                return EngineError(
                    .permissionDenied,
                    "permission denied on \(displayAddress) (\(found)): add your user to the docker group "
                        + "(sudo usermod -aG docker $USER, then log in again), run with sudo, or use rootless Docker or Podman",
                    cause: text)
            case .some(ENOENT), .some(ENOTDIR):
                return EngineError(
                    .unreachable,
                    "no engine at \(displayAddress) (\(found)): the socket does not exist. Is the docker daemon running? "
                        + "Point voltop elsewhere with --host, --context or DOCKER_HOST",
                    cause: text)
            case .some(ECONNREFUSED):
                return EngineError(
                    .unreachable,
                    "the engine at \(displayAddress) (\(found)) refused the connection: the socket is stale and the daemon is not running. "
                        + "Start it (systemctl start docker) or point voltop elsewhere with --host",
                    cause: text)
            default:
                break
            }
        }
        if case .tcp(_, _, let tls?) = endpoint.transport, error is NIOSSLError || text.contains("handshake") || text.contains("SSL") {
            return EngineError(
                .unreachable,
                "the TLS handshake with \(displayAddress) (\(found)) failed: check the certificates in "
                    + "\(tls.certDirectory ?? "~/.docker") (ca.pem, cert.pem, key.pem; DOCKER_CERT_PATH) and DOCKER_TLS_VERIFY",
                cause: text)
        }
        if text.contains("Connection refused") {
            return EngineError(
                .unreachable,
                "the engine at \(displayAddress) (\(found)) refused the connection: is the daemon running and listening there? "
                    + "Point voltop elsewhere with --host, --context or DOCKER_HOST",
                cause: text)
        }
        return EngineError(
            .unreachable,
            "cannot connect to the engine at \(displayAddress) (\(found)). Is the daemon running and reachable? "
                + "Point voltop elsewhere with --host, --context or DOCKER_HOST",
            cause: text)
    }

    /// A system error as people read it ("No such file or directory, errno 2"), not as NIO prints it
    /// (`connect(descriptor:addr:size:): No such file or directory) (errno: 2)`); other texts unchanged.
    static func systemCause(_ text: String) -> String {
        guard let match = text.firstMatch(of: #/errno: ([0-9]+)/#), let code = Int32(match.1)
        else { return text }
        return "\(String(cString: strerror(code))), errno \(code)"
    }

    var displayAddress: String {
        if case .ssh(let target) = endpoint.transport { return target.address }
        if let socketPath { return "unix://\(socketPath)" }
        return endpoint.address
    }
}

/// The first of an operation and its time limit to finish.
enum TimedOutcome<T: Sendable>: Sendable {
    case done(T)
    case timedOut
}

/// How long voltop waits for the engine.
///
/// `VOLTOP_ENGINE_TIMEOUT` (seconds, undocumented) caps every limit below and every request's own `timeout`;
/// tests use it to make a stalled engine fail in seconds instead of a minute.
enum EngineTimeouts {
    /// The longest wait for the head of a streamed reply (the event stream).
    static let head: TimeAmount = .seconds(30)
    /// The longest pause in a streamed body (an archive read) while the reader waits for bytes.
    static let streamIdle: TimeAmount = .seconds(60)
    /// The cap from `VOLTOP_ENGINE_TIMEOUT`, if set to a positive number of seconds.
    static let cap: TimeAmount? = {
        guard let text = ProcessInfo.processInfo.environment["VOLTOP_ENGINE_TIMEOUT"], let seconds = Double(text),
            seconds > 0, seconds < 1e6
        else { return nil }
        return .nanoseconds(Int64(seconds * 1e9))
    }()

    /// A limit, shortened to the cap when one is set.
    static func limited(_ limit: TimeAmount) -> TimeAmount {
        guard let cap else { return limit }
        return min(limit, cap)
    }
}

/// A streamed body that fails with a `.timeout` error when the engine sends nothing for `idle` while the
/// reader waits for the next chunk. Time the reader spends elsewhere does not count.
struct IdleLimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HTTPClientResponse.Body
    let idle: TimeAmount
    let stalled: EngineError

    /// The base iterator, used by one task at a time (the reader's, or the child that waits for it).
    final class Box: @unchecked Sendable {
        var iterator: HTTPClientResponse.Body.AsyncIterator
        init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }
        func next() async throws -> ByteBuffer? { try await iterator.next() }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let box: Box
        let idle: TimeAmount
        let stalled: EngineError
        var isDone = false

        mutating func next() async throws -> ByteBuffer? {
            if isDone { return nil }
            let box = self.box
            do {
                let chunk = try await EngineHTTP.within(idle, onTimeout: stalled) { try await box.next() }
                if chunk == nil { isDone = true }
                return chunk
            } catch {
                isDone = true
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(box: Box(base.makeAsyncIterator()), idle: idle, stalled: stalled)
    }
}

/// Counts engine requests (thread-safe).
public final class RequestCounter: @unchecked Sendable {
    private let lock = ThreadLock()
    private var value = 0

    /// A counter at zero.
    public init() {}

    func increment() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    /// The number of requests sent so far.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// A direct `connect(2)` to a unix socket, used only to tell "missing", "refused" and "permission denied" apart.
enum SocketProbe {
    /// The errno of a connect attempt, or nil when it connected.
    static func connectErrno(_ path: String) -> Int32? {
        switch connected(path) {
        case .success(let fd):
            close(fd)
            return nil
        case .failure(let error):
            return error.code
        }
    }

    struct ConnectError: Error {
        var code: Int32
    }

    /// A new socket connected to the unix socket at `path` (close it), or the errno of the attempt.
    static func connected(_ path: String) -> Result<Int32, ConnectError> {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(ConnectError(code: errno)) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            return .failure(ConnectError(code: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            return .failure(ConnectError(code: code))
        }
        return .success(fd)
    }
}

/// Process-wide HTTP clients (one plain, one per TLS setting); they live as long as the process.
///
/// A failed connection fails the request at once instead of retrying until the deadline, so
/// "engine down" is reported immediately.
enum EngineClients {
    private static let lock = ThreadLock()
    nonisolated(unsafe) private static var clients: [String: HTTPClient] = [:]

    static func client(for tls: EngineEndpoint.TLSSettings?) throws -> HTTPClient {
        let key = tls.map { "\($0.verify)|\($0.certDirectory ?? "")" } ?? "plain"
        lock.lock()
        defer { lock.unlock() }
        if let c = clients[key] { return c }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.retryConnectionEstablishment = false
        guard let tls else {
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
        var config = TLSConfiguration.makeClientConfiguration()
        config.certificateVerification = tls.verify ? .fullVerification : .none
        if let dir = tls.certDirectory {
            let fm = FileManager.default
            do {
                if fm.fileExists(atPath: dir + "/ca.pem") {
                    config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(dir + "/ca.pem"))
                }
                if fm.fileExists(atPath: dir + "/cert.pem"), fm.fileExists(atPath: dir + "/key.pem") {
                    config.certificateChain = try NIOSSLCertificate.fromPEMFile(dir + "/cert.pem").map { .certificate($0) }
                    config.privateKey = .privateKey(try NIOSSLPrivateKey(file: dir + "/key.pem", format: .pem))
                }
            } catch {
                throw EngineError(
                    .invalidArgument,
                    "cannot load the TLS certificates in \(dir) (ca.pem, cert.pem, key.pem): check DOCKER_CERT_PATH",
                    cause: "\(error)")
            }
        }
        configuration.tlsConfiguration = config
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[key] = client
        return client
    }
}

/// voltop's own version.
public enum VoltopVersion {
    /// The version string shown by `--version`.
    public static let current = "0.1.0"
}
