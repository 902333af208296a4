#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the engine is and how voltop found it, resolved the way the docker CLI does.
public struct EngineEndpoint: Sendable, Equatable {
    /// How to reach the engine.
    public enum Transport: Sendable, Equatable {
        /// A unix socket at a path.
        case unix(path: String)
        /// TCP, optionally with TLS.
        case tcp(host: String, port: Int, tls: TLSSettings?)
        /// `ssh://[user@]host[:port]`: the system ssh client runs `docker system dial-stdio` there (`SSHDialer`).
        case ssh(SSHDialer.Target)
    }

    /// TLS material for a TCP endpoint.
    public struct TLSSettings: Sendable, Equatable {
        /// Whether the server certificate is verified.
        public var verify: Bool
        /// The directory with `ca.pem`, `cert.pem` and `key.pem`.
        public var certDirectory: String?
        /// Why verification is off (`DOCKER_TLS` without `DOCKER_TLS_VERIFY`, a context's `SkipTLSVerify`), for the
        /// warning printed on every run.
        public var unverifiedBecause: String?

        /// TLS settings from their parts.
        public init(verify: Bool, certDirectory: String?, unverifiedBecause: String? = nil) {
            self.verify = verify
            self.certDirectory = certDirectory
            self.unverifiedBecause = verify ? nil : (unverifiedBecause ?? "TLS verification is off")
        }
    }

    /// The transport to use.
    public var transport: Transport
    /// How the address was found, for messages ("DOCKER_HOST", "context ci", "default socket").
    public var source: String
    /// The docker context name, when one was used.
    public var contextName: String?
    /// Socket paths to try in order when the default socket is missing.
    public var fallbackSockets: [String]

    /// An endpoint from its parts.
    public init(transport: Transport, source: String, contextName: String? = nil, fallbackSockets: [String] = []) {
        self.transport = transport
        self.source = source
        self.contextName = contextName
        self.fallbackSockets = fallbackSockets
    }

    /// How voltop names this engine in a fleet and in `ls --json`'s `engine`: the context name, else the address.
    public var label: String { contextName ?? address }

    /// The address as a docker host URL (`unix:///var/run/docker.sock`, `tcp://h:2376`).
    public var address: String {
        switch transport {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port, _): return "tcp://\(host):\(port)"
        case .ssh(let target): return target.address
        }
    }

    /// The warning to show on every run when the connection uses TLS without verifying the server: anyone on the
    /// path can read and change what voltop sends and receives.
    public var insecureTLSWarning: String? {
        guard case .tcp(let host, let port, let tls?) = transport, !tls.verify else { return nil }
        return "warning: TLS to \(Sanitizer.inline(host)):\(port) is not verified (\(tls.unverifiedBecause ?? "verification is off")): "
            + "anyone on the network path can read and change the engine's replies. Set DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH "
            + "(ca.pem), or drop SkipTLSVerify from the context"
    }

    /// Whether the engine runs on this machine (a unix socket).
    public var isLocal: Bool {
        if case .unix = transport { return true }
        return false
    }

    /// Parses a docker host string as the CLI does (`unix://`, `tcp://`, bare `host:port`).
    public static func parseHost(_ raw: String, tls: TLSSettings?, source: String) throws -> EngineEndpoint {
        let value = raw.trimmingBlanks()
        if value.hasPrefix("unix://") {
            var path = String(value.dropFirst("unix://".count))
            if path.isEmpty { path = defaultSocket }
            return EngineEndpoint(transport: .unix(path: path), source: source)
        }
        if value.hasPrefix("ssh://") {
            switch SSHDialer.Target.parse(value) {
            case .success(let target): return EngineEndpoint(transport: .ssh(target), source: source)
            case .failure(let invalid):
                throw EngineError(.invalidArgument, "\(source) is \(Sanitizer.inline(value)): \(invalid.why)")
            }
        }
        if value.hasPrefix("npipe://") || value.hasPrefix("fd://") {
            throw EngineError(.invalidArgument, "\(source) is \(value): that transport is not available here; use unix:// or tcp://")
        }
        var rest = value
        var tls = tls
        if rest.hasPrefix("tcp://") {
            rest = String(rest.dropFirst("tcp://".count))
        } else if rest.hasPrefix("http://") {
            rest = String(rest.dropFirst("http://".count))
        } else if rest.hasPrefix("https://") {
            rest = String(rest.dropFirst("https://".count))
            // https:// always means TLS, verified against the system's trust store unless TLS settings say more.
            if tls == nil { tls = TLSSettings(verify: true, certDirectory: nil) }
        } else if rest.contains("://") {
            throw EngineError(.invalidArgument, "\(source) is \(value): unknown scheme; use unix:///path or tcp://host:port")
        }
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        var host = rest
        var port = tls == nil ? 2375 : 2376
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":"), let p = Int(after.dropFirst()) { port = p }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw EngineError(.invalidArgument, "\(source) is \(value): the port is not a number between 1 and 65535")
            }
            port = p
        }
        if host.isEmpty { host = "localhost" }
        return EngineEndpoint(transport: .tcp(host: host, port: port, tls: tls), source: source)
    }

    /// The engine's default socket on Linux.
    public static let defaultSocket = "/var/run/docker.sock"

    /// Resolves the endpoint from flags, the environment and the docker config, in the CLI's order:
    /// `--context`, `--host`, `DOCKER_HOST`, `DOCKER_CONTEXT`, `currentContext` in config.json, then the default socket.
    public static func resolve(
        host: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EngineEndpoint {
        if host != nil, context != nil {
            throw EngineError(.invalidArgument, "--host and --context cannot be used together: pick one")
        }
        let tls = tlsFromEnvironment(environment)
        if let context { return try fromContext(context, source: "--context \(context)", environment: environment) }
        if let host { return try parseHost(host, tls: tls, source: "--host") }
        if let envHost = environment["DOCKER_HOST"], !envHost.isEmpty {
            return try parseHost(envHost, tls: tls, source: "DOCKER_HOST")
        }
        if let envContext = environment["DOCKER_CONTEXT"], !envContext.isEmpty {
            return try fromContext(envContext, source: "DOCKER_CONTEXT=\(envContext)", environment: environment)
        }
        return try resolveDefault(tls: tls, environment: environment, honourContexts: true)
    }

    static func resolveDefault(tls: TLSSettings?, environment: [String: String], honourContexts: Bool) throws -> EngineEndpoint {
        let configDir = dockerConfigDirectory(environment)
        if honourContexts, let data = FileManager.default.contents(atPath: configDir + "/config.json"),
            let current = JSONValue.parse(data)?["currentContext"]?.string, !current.isEmpty
        {
            return try fromContext(current, source: "currentContext \(current) in \(configDir)/config.json", environment: environment)
        }
        if tls != nil {
            return EngineEndpoint(transport: .tcp(host: "localhost", port: 2376, tls: tls), source: "DOCKER_TLS_VERIFY (default TLS port)")
        }
        var fallbacks: [String] = []
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            fallbacks.append(runtime + "/docker.sock")
        }
        if let home = environment["HOME"], !home.isEmpty { fallbacks.append(home + "/.docker/run/docker.sock") }
        fallbacks.append("/run/podman/podman.sock")
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            fallbacks.append(runtime + "/podman/podman.sock")
        }
        return EngineEndpoint(transport: .unix(path: defaultSocket), source: "default socket", fallbackSockets: fallbacks)
    }

    /// The docker config directory: `DOCKER_CONFIG` or `~/.docker`.
    public static func dockerConfigDirectory(_ environment: [String: String]) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir }
        return (environment["HOME"] ?? HomeDirectory.path) + "/.docker"
    }

    static func tlsFromEnvironment(_ environment: [String: String]) -> TLSSettings? {
        let verify = !(environment["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        let tls = !(environment["DOCKER_TLS"] ?? "").isEmpty
        guard verify || tls else { return nil }
        let certPath = environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? dockerConfigDirectory(environment)
        return TLSSettings(verify: verify, certDirectory: certPath, unverifiedBecause: "DOCKER_TLS is set without DOCKER_TLS_VERIFY")
    }

    /// The names of every context in the docker config's contexts store (`docker context ls` without `default`), sorted.
    public static func contextNames(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let metaRoot = "\(dockerConfigDirectory(environment))/contexts/meta"
        let digests = (try? FileManager.default.contentsOfDirectory(atPath: metaRoot)) ?? []
        return digests.compactMap { digest -> String? in
            guard let data = FileManager.default.contents(atPath: "\(metaRoot)/\(digest)/meta.json") else { return nil }
            return JSONValue.parse(data)?["Name"]?.string
        }.sorted()
    }

    /// Resolves several engines for a fleet: each `--context`, then each `--host`, then (with `allContexts`) every
    /// context in the store; labels must differ.
    public static func resolveFleet(
        hosts: [String], contexts: [String], allContexts: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [EngineEndpoint] {
        var endpoints: [EngineEndpoint] = []
        var names = contexts
        if allContexts {
            let stored = contextNames(environment: environment)
            guard !stored.isEmpty else {
                throw EngineError(
                    .notFound,
                    "--all-contexts: no contexts in \(dockerConfigDirectory(environment))/contexts; create one with `docker context create`"
                )
            }
            names += stored.filter { !names.contains($0) }
        }
        for name in names { endpoints.append(try fromContext(name, source: "--context \(name)", environment: environment)) }
        let tls = tlsFromEnvironment(environment)
        for host in hosts { endpoints.append(try parseHost(host, tls: tls, source: "--host")) }
        var seen: Set<String> = []
        for endpoint in endpoints where !seen.insert(endpoint.label).inserted {
            throw EngineError(.invalidArgument, "engine \(Sanitizer.inline(endpoint.label)) is given twice: name each engine once")
        }
        return endpoints
    }

    static func fromContext(_ name: String, source: String, environment: [String: String]) throws -> EngineEndpoint {
        if name == "default" {
            var endpoint = try resolveDefault(tls: tlsFromEnvironment(environment), environment: environment, honourContexts: false)
            endpoint.source = source
            endpoint.contextName = "default"
            return endpoint
        }
        guard name.wholeMatch(of: #/[a-zA-Z0-9][a-zA-Z0-9_.+-]+/#) != nil else {
            throw EngineError(
                .invalidArgument, "context name \"\(Sanitizer.inline(name))\" is not valid: names match [a-zA-Z0-9][a-zA-Z0-9_.+-]+")
        }
        let configDir = dockerConfigDirectory(environment)
        // The store keys each context by the sha256 of its name; reading every meta.json and matching
        // on "Name" finds the same entry without hashing.
        let metaRoot = "\(configDir)/contexts/meta"
        let digests = (try? FileManager.default.contentsOfDirectory(atPath: metaRoot)) ?? []
        var found: (digest: String, data: Data)? = nil
        for digest in digests.sorted() {
            guard let data = FileManager.default.contents(atPath: "\(metaRoot)/\(digest)/meta.json"),
                JSONValue.parse(data)?["Name"]?.string == name
            else { continue }
            found = (digest, data)
            break
        }
        guard let (digest, data) = found else {
            throw EngineError(
                .notFound,
                "docker context \"\(name)\" (from \(source)) does not exist in \(configDir)/contexts; list them with `docker context ls`")
        }
        let metaPath = "\(metaRoot)/\(digest)/meta.json"
        struct Meta: Decodable {
            struct Endpoint: Decodable {
                var Host: String?
                var SkipTLSVerify: Bool?
            }
            var Endpoints: [String: Endpoint]?
        }
        let meta: Meta
        do { meta = try JSONDecoder().decode(Meta.self, from: data) } catch {
            throw EngineError(.malformedResponse, "docker context \"\(name)\" has an unreadable \(metaPath)", cause: "\(error)")
        }
        guard let docker = meta.Endpoints?["docker"], let host = docker.Host, !host.isEmpty else {
            throw EngineError(.invalidArgument, "docker context \"\(name)\" has no docker endpoint host in \(metaPath)")
        }
        let tlsDir = "\(configDir)/contexts/tls/\(digest)/docker"
        var tls: TLSSettings? = nil
        if host.hasPrefix("tcp://") || host.hasPrefix("https://") {
            let hasTLSFiles =
                FileManager.default.fileExists(atPath: tlsDir + "/ca.pem") || FileManager.default.fileExists(atPath: tlsDir + "/cert.pem")
            if hasTLSFiles || docker.SkipTLSVerify == true {
                tls = TLSSettings(
                    verify: !(docker.SkipTLSVerify ?? false), certDirectory: hasTLSFiles ? tlsDir : nil,
                    unverifiedBecause: "docker context \(Sanitizer.inline(name)) sets SkipTLSVerify")
            }
        }
        var endpoint = try parseHost(host, tls: tls, source: source)
        endpoint.contextName = name
        return endpoint
    }
}
