/// Which container a process belongs to, from its control groups (`/proc/PID/cgroup`).
public enum ProcessContainer {
    /// The 64-hex-digit container ID in a `/proc/PID/cgroup` text, or nil for a process outside any container
    /// (the engine itself, a shell on the host).
    ///
    /// Knows the shapes the engines use: systemd's `docker-ID.scope` and `libpod-ID.scope` (cgroup v2 and v1),
    /// cgroupfs' `/docker/ID` (nested engines: the innermost ID), `/libpod_parent/libpod-ID` and `crio-ID.scope`.
    public static func id(inCgroup text: String) -> String? {
        var found: String? = nil
        for line in text.split(separator: "\n") {
            // "hierarchy-ID:controllers:path"; the path may itself contain ':'.
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if let id = innermostID(in: parts[2]) {
                found = id
                // The unified hierarchy ("0::") is the authoritative one on cgroup v2.
                if parts[0] == "0" { return id }
            }
        }
        return found
    }

    /// The last path component that carries a container ID.
    static func innermostID(in path: Substring) -> String? {
        var result: String? = nil
        for component in path.split(separator: "/") {
            var name = component
            for prefix in ["docker-", "libpod-", "crio-", "cri-containerd-"] where name.hasPrefix(prefix) {
                name = name.dropFirst(prefix.count)
                break
            }
            if name.hasSuffix(".scope") { name = name.dropLast(".scope".count) }
            if name.utf8.count == 64, name.utf8.allSatisfy(isLowerHex) { result = String(name) }
        }
        return result
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
