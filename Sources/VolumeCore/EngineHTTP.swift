import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP reply from the engine, fully read.
struct EngineReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
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
        }
    }

    /// The URL for a path and query on this endpoint.
    func url(_ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = []) -> String {
        var q = ""
        let items = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" } + byteQuery.map { "\(Self.encode($0.0))=\(Self.encode(bytes: $0.1))" }
        if !items.isEmpty {
            q = "?" + items.joined(separator: "&")
        }
        switch endpoint.transport {
        case .unix:
            let socket = (socketPath ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "http+unix://\(socket)\(path)\(q)"
        case .tcp(let host, let port, let tls):
            let h = host.contains(":") ? "[\(host)]" : host
            return "\(tls == nil ? "http" : "https")://\(h):\(port)\(path)\(q)"
        }
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Percent-encodes raw bytes (names inside volumes need not be UTF-8), keeping only unreserved characters.
    static func encode(bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count * 3)
        for b in bytes {
            let unreserved = (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Sends a request and reads the whole reply (up to 256 MiB).
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = [], body: Data? = nil,
        contentType: String = "application/json", timeout: TimeAmount = .seconds(60)
    ) async throws -> EngineReply {
        var request = HTTPClientRequest(url: url(path, query: query, byteQuery: byteQuery))
        request.method = method
        // A unix socket has no host; dockerd rejects requests without a Host header.
        if case .unix = endpoint.transport { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "User-Agent", value: "voltop/\(VoltopVersion.current)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        counter.increment()
        logger.debug("engine request", metadata: ["method": "\(method.rawValue)", "path": "\(path)"])
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 256 << 20)
            return EngineReply(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Data(buffer.readableBytesView))
        } catch let error as EngineError {
            throw error
        } catch {
            throw diagnose(error)
        }
    }

    /// Opens a streaming request (the event stream) and returns its status and body.
    func stream(_ path: String, query: [(String, String)]) async throws -> (Int, HTTPClientResponse.Body) {
        var request = HTTPClientRequest(url: url(path, query: query))
        if case .unix = endpoint.transport { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "Accept", value: "application/x-ndjson, application/json")
        counter.increment()
        do {
            // No read timeout: the event stream has no keep-alives.
            let response = try await client.execute(request, deadline: .distantFuture)
            return (Int(response.status.code), response.body)
        } catch {
            throw diagnose(error)
        }
    }

    /// Sends a request and returns as soon as the reply's head is in: status, headers and the body as a stream.
    ///
    /// `timeout` covers the head only; the body streams for as long as it takes. Dropping the body before its end
    /// closes the connection (async-http-client cancels the request), which is how partial reads end.
    func open(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], byteQuery: [(String, [UInt8])] = [],
        timeout: TimeAmount = .seconds(60)
    ) async throws -> (status: Int, headers: [(String, String)], body: HTTPClientResponse.Body) {
        var request = HTTPClientRequest(url: url(path, query: query, byteQuery: byteQuery))
        request.method = method
        if case .unix = endpoint.transport { request.headers.add(name: "Host", value: "docker") }
        request.headers.add(name: "User-Agent", value: "voltop/\(VoltopVersion.current)")
        counter.increment()
        logger.debug("engine request", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "stream": "true"])
        do {
            let response = try await client.execute(request, timeout: timeout)
            return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, response.body)
        } catch let error as EngineError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw diagnose(error)
        }
    }

    /// Maps a transport failure to an error that names the address, how it was found and what to do.
    func diagnose(_ error: Error) -> EngineError {
        let text = String(describing: error)
        let found = "found via \(endpoint.source)"
        if let hc = error as? HTTPClientError, hc == .deadlineExceeded || hc == .connectTimeout || hc == .readTimeout {
            return EngineError(.timeout, "the engine at \(displayAddress) (\(found)) did not answer in time; is it overloaded or hung?", cause: text)
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

    var displayAddress: String {
        if let socketPath { return "unix://\(socketPath)" }
        return endpoint.address
    }
}

/// Counts engine requests (thread-safe).
public final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
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
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? nil : errno
    }
}

/// Process-wide HTTP clients (one plain, one per TLS setting); they live as long as the process.
///
/// A failed connection fails the request at once instead of retrying until the deadline, so
/// "engine down" is reported immediately.
enum EngineClients {
    private static let lock = NSLock()
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
