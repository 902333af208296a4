import Testing

@testable import VolumeCore

/// The early filter of `WriteWatcher`: a write through one of this host's own mounts outside the directory that
/// holds the volumes is dropped before its writer is looked up in /proc.
@Suite struct WriteWatcherFilterTests {
    @Test func theVolumesDirectoryIsTheDeepestOneHoldingEveryMountpoint() {
        let root = "/var/lib/docker/volumes"
        #expect(WriteWatcher.commonDirectory(of: ["\(root)/a/_data", "\(root)/b/_data", "\(root)/abc/_data"]) == root)
        #expect(WriteWatcher.commonDirectory(of: ["\(root)/a/_data"]) == "\(root)/a/_data")
        // A driver that mounts elsewhere widens it, down to "/".
        #expect(WriteWatcher.commonDirectory(of: ["\(root)/a/_data", "/mnt/nfs/b"]) == "/")
        // A shared name prefix is no shared directory.
        #expect(WriteWatcher.commonDirectory(of: ["/data/vol1", "/data/vol10"]) == "/data")
        #expect(WriteWatcher.commonDirectory(of: [String]()) == nil)
    }

    @Test func withinMeansTheDirectoryOrBelowItByBytes() {
        #expect(WriteWatcher.isWithin("/v/volumes/a/_data/f", "/v/volumes"))
        #expect(WriteWatcher.isWithin("/v/volumes", "/v/volumes"))
        #expect(!WriteWatcher.isWithin("/v/volumes2/f", "/v/volumes"))
        #expect(!WriteWatcher.isWithin("/v/f", "/v/volumes"))
        #expect(WriteWatcher.isWithin("/anything", "/"))
        // "é" precomposed and decomposed are equal Strings but different paths.
        #expect(!WriteWatcher.isWithin("/v/caf\u{E9}/f", "/v/cafe\u{301}"))
    }

    @Test func onlyAHostMountOutsideTheVolumesIsDroppedEarly() {
        let host: Set<UInt64> = [27, 42]
        let directory = "/srv/docker/volumes"
        // The host's own mount, a file outside the volumes (a build, a log): dropped.
        #expect(WriteWatcher.isOutsideVolumes(path: "/work/a.o", mountID: 27, hostMounts: host, volumesDirectory: directory))
        // The host's own mount, inside the volumes (a process outside containers writing at a Mountpoint): kept.
        #expect(
            !WriteWatcher.isOutsideVolumes(path: "\(directory)/v/_data/f", mountID: 42, hostMounts: host, volumesDirectory: directory))
        // A container's mount: its path reads as the container sees it ("/data/f"), so it is never judged by path.
        #expect(!WriteWatcher.isOutsideVolumes(path: "/data/f", mountID: 900, hostMounts: host, volumesDirectory: directory))
        // No volume watched: every host write is outside.
        #expect(WriteWatcher.isOutsideVolumes(path: "/srv/x", mountID: 27, hostMounts: host, volumesDirectory: nil))
        // Unknown namespace (no host mounts known): nothing is dropped early.
        #expect(!WriteWatcher.isOutsideVolumes(path: "/work/a.o", mountID: 27, hostMounts: [], volumesDirectory: directory))
    }

    @Test func mountIDsAreTheFirstFieldOfMountinfo() {
        let text = """
            22 27 0:21 / /proc rw,relatime - proc proc rw
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
            42 27 254:0 /tmp/x/data /tmp/x/data rw,relatime shared:1 - ext4 /dev/vda rw

            garbage
            """
        #expect(WriteWatcher.mountIDs(mountinfo: text) == [22, 27, 42])
    }
}
