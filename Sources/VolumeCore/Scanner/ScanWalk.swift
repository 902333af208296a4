import CVolumeSys
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One scan in flight: worker threads, a shared stack of directories to read, and the columns they fill.
///
/// Each worker keeps its own stack of directories (depth first, so open descriptors stay bounded by depth) and
/// hands the oldest half of it to the shared stack whenever another worker is waiting. A worker reads a directory
/// completely into scratch, then reserves contiguous slots for its entries with one atomic add and copies them in,
/// so a directory's children are contiguous and no lock is taken per entry. Hard links and visited directories
/// are the only shared sets (locked, touched only for `st_nlink > 1` and once per directory).
final class ScanWalk: @unchecked Sendable {
    let rootPath: String
    let relativePath: [[UInt8]]
    let options: ScanOptions
    let meter: ScanProgressMeter
    let store: ScanStore

    private let nextEntry = Atomic<Int>(0)
    private let nextNameByte = Atomic<Int>(0)
    private let nextDirectory = Atomic<Int>(0)

    private let cancelled = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let waiting = Atomic<Int>(0)
    private let exited = Atomic<Int>(0)

    private let condition = ThreadCondition()
    // Guarded by `condition`:
    private var shared: [ScanJob] = []
    private var idle = 0
    private var finished = false
    private var failure: (any Error)?
    private var totals = ScanTree.Totals()
    private var problems: [(node: UInt32, errno: Int32)] = []
    private var linkTargets: [(node: UInt32, target: [UInt8])] = []

    private let linkLock = ThreadLock()
    private var seenLinks = Set<DevIno>()
    private let directoryLock = ThreadLock()
    private var seenDirectories = Set<DevIno>()

    // Written by worker 0 before any job exists; read by others only after taking a job through the lock.
    private var rootDevice: UInt64 = 0
    private var rootMount: UInt64?
    private var startFD: Int32 = -1
    /// When worker 0 began, on the monotonic clock (seconds); read after every worker has exited.
    private var began = 0.0
    private var completion: (@Sendable (Result<ScanTree, any Error>) -> Void)?

    init(
        rootPath: String, relativePath: [[UInt8]], options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)?
    ) throws {
        self.rootPath = rootPath
        self.relativePath = relativePath
        self.options = options
        meter = ScanProgressMeter(interval: options.progressInterval, report: progress)
        store = try ScanStore(entryCapacity: options.maxEntries)
        Self.raiseOpenFileLimit
    }

    /// Lets the process open as many descriptors as the hard limit allows (deep trees keep one per level).
    private static let raiseOpenFileLimit: Void = {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }()

    /// Starts the workers; `done` is called once, from the last worker to finish.
    func start(_ done: @escaping @Sendable (Result<ScanTree, any Error>) -> Void) {
        completion = done
        for worker in 0..<options.workers {
            OSThread.start(name: "voltop-scan-\(worker)") { [self] in run(worker: worker) }
        }
    }

    /// Stops every worker soon; the scan then throws `CancellationError`.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        stop()
    }

    private func stop() {
        stopping.store(true, ordering: .relaxed)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.unlock()
        stop()
    }

    // MARK: Workers

    private func run(worker: Int) {
        if let user = options.filesystemUser { FilesystemUser.switchThread(to: user) }
        // Lowered for the walk only: the last worker hands the tree over (a continuation resumed) at its own priority.
        let lowered = options.niceness > 0 && !meter.isReporting ? ThreadPriority.lower(by: options.niceness) : nil
        var state = WorkerState()
        if worker == 0 {
            began = MonotonicClock.seconds()
            if let job = openStart(&state) { state.local.append(job) }
        }
        while let job = state.local.popLast() ?? takeShared() {
            if stopping.load(ordering: .relaxed) {
                state.local.removeAll()
                continue
            }
            read(job, &state)
            if state.local.count > 1, waiting.load(ordering: .relaxed) > 0 { share(&state.local) }
        }
        publish(&state, report: false)
        lowered?.restore()
        state.direntBuffer.deallocate()
        condition.lock()
        merge(state)
        condition.unlock()
        if exited.add(1, ordering: .acquiringAndReleasing).newValue == options.workers { complete() }
    }

    private func takeShared() -> ScanJob? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopping.load(ordering: .relaxed) { return nil }
            if let job = shared.popLast() { return job }
            if finished { return nil }
            idle += 1
            if idle == options.workers {
                // Nobody holds work and nobody can make more.
                finished = true
                condition.broadcast()
                return nil
            }
            waiting.add(1, ordering: .relaxed)
            condition.wait()
            waiting.subtract(1, ordering: .relaxed)
            idle -= 1
        }
    }

    /// Moves the oldest half of a worker's stack (the shallowest, usually largest subtrees) to the shared stack.
    private func share(_ local: inout [ScanJob]) {
        let half = local.count / 2
        condition.lock()
        shared.append(contentsOf: local[0..<half])
        condition.broadcast()
        condition.unlock()
        local.removeFirst(half)
    }

    private func merge(_ s: WorkerState) {
        totals.files += s.totals.files
        totals.directories += s.totals.directories
        totals.symlinks += s.totals.symlinks
        totals.others += s.totals.others
        totals.hardlinksSkipped += s.totals.hardlinksSkipped
        totals.otherFilesystems += s.totals.otherFilesystems
        problems += s.problems
        linkTargets += s.linkTargets
    }

    /// Opens the start directory and fills slot 0 with it; on failure the scan fails.
    private func openStart(_ state: inout WorkerState) -> ScanJob? {
        do {
            let rootFD = try SafePath.openRoot(rootPath)
            let fd = try SafePath.openBelow(rootFD, relativePath[...], rootPath: rootPath)
            var st = cvs_dir_stat()
            guard cvs_stat_fd(fd, &st) == 0 else {
                let e = errno
                close(fd)
                throw SafePath.rootError(e, path: rootPath)
            }
            startFD = fd
            rootDevice = st.dev
            rootMount = st.has_mount_id != 0 ? st.mount_id : nil
            _ = nextEntry.add(1, ordering: .relaxed)
            _ = nextDirectory.add(1, ordering: .relaxed)
            store.parent[0] = ScanStore.noParent
            store.nameOffset[0] = 0
            store.meta[0] = ScanStore.Meta.make(kind: .directory, nameLength: 0)
            store.apparent[0] = st.size
            store.allocated[0] = st.blocks &* 512
            store.mtime[0] = st.mtime
            store.aux[0] = 0
            initDirectory(0, node: 0, error: 0)
            state.totals.directories += 1
            state.entries += 1
            state.apparent &+= Int(st.size)
            state.allocated &+= Int(st.blocks &* 512)
            return ScanJob(parent: nil, node: 0, directory: 0)
        } catch {
            fail(error)
            return nil
        }
    }

    @inline(__always) private func initDirectory(_ d: Int, node: Int, error: Int32) {
        store.dirNode[d] = UInt32(node)
        store.dirFirstChild[d] = 0
        store.dirChildCount[d] = 0
        store.dirError[d] = error
        store.dirItems[d] = 0
        store.dirApparent[d] = 0
        store.dirAllocated[d] = 0
        store.dirNewest[d] = 0
    }

    private func directoryFailed(_ job: ScanJob, _ e: Int32, flag: UInt32, _ state: inout WorkerState) {
        store.meta[Int(job.node)] |= flag
        store.dirError[Int(job.directory)] = e
        state.problems.append((job.node, e))
    }

    /// Reads one directory: opens it below its parent, stats every entry, stores them, queues subdirectories.
    ///
    /// A subdirectory is not stat'ed by name when its parent is listed (`d_type` already says it is one): it is
    /// stat'ed through its own descriptor once it is open, which is also the check that what was opened is what
    /// is counted. Records come straight from getdents64(2) into the worker's buffer (no DIR stream, whose
    /// fdopendir costs two fcntl calls, and whose closedir would force a dup for the subdirectories' jobs).
    private func read(_ job: ScanJob, _ state: inout WorkerState) {
        var job = job
        let fd: Int32
        var nameBytes = [CChar](repeating: 0, count: 257)
        if let parent = job.parent {
            let name = store.nameBuffer(Int(job.node))
            nameBytes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(name)) }
            fd = SafePath.retrying { openat(parent.fd, nameBytes, SafePath.directoryFlags) }
        } else {
            fd = fcntl(startFD, F_DUPFD_CLOEXEC, 0)
        }
        let openErrno = errno
        guard fd >= 0 else {
            if let parent = job.parent, statByName(job, parent: parent.fd, name: nameBytes, &state) { return }
            directoryFailed(job, openErrno, flag: ScanStore.Meta.openFailed, &state)
            return
        }
        let parentFD = job.parent?.fd ?? -1
        var st = cvs_dir_stat()
        guard cvs_stat_fd(fd, &st) == 0 else {
            let e = errno
            close(fd)
            if job.parent != nil, statByName(job, parent: parentFD, name: nameBytes, &state) { return }
            directoryFailed(job, e, flag: ScanStore.Meta.openFailed, &state)
            return
        }
        job.parent = nil  // the parent's descriptor closes once its last subdirectory is open
        let node = Int(job.node)
        if options.oneFilesystem && job.node != 0
            && (st.dev != rootDevice || rootMount.map { st.has_mount_id == 0 || st.mount_id != $0 } ?? false)
        {
            // A mount point (another device), or a bind mount of a directory of the same filesystem (same device
            // number, another mount ID): like `du -x`, neither entered nor counted (its time is kept).
            store.mtime[node] = st.mtime
            store.meta[node] |= ScanStore.Meta.otherFilesystem
            state.totals.directories -= 1
            state.totals.otherFilesystems += 1
            close(fd)
            return
        }
        if job.node != 0 {
            store.apparent[node] = st.size
            store.allocated[node] = st.blocks &* 512
            store.mtime[node] = st.mtime
            state.apparent &+= Int(st.size)
            state.allocated &+= Int(st.blocks &* 512)
        }
        directoryLock.lock()
        let isNew = seenDirectories.insert(DevIno(dev: st.dev, ino: st.ino)).inserted
        directoryLock.unlock()
        guard isNew else {
            // A directory reached twice: a bind mount of an ancestor. Entering it would never end.
            directoryFailed(job, ELOOP, flag: ScanStore.Meta.cycle, &state)
            close(fd)
            return
        }
        options.didOpenDirectory?(st.dev, st.ino)
        state.pending.removeAll(keepingCapacity: true)
        state.names.removeAll(keepingCapacity: true)
        state.pendingTargets.removeAll(keepingCapacity: true)
        state.pendingDirectories = 0
        state.directoriesRead += 1
        var readErrno: Int32 = 0
        var sinceCheck = 0
        let rootDevice = self.rootDevice
        let oneFilesystem = options.oneFilesystem
        let buffer = state.direntBuffer
        reading: while true {
            let got = cvs_getdents64(fd, buffer, UInt(WorkerState.direntBufferSize))
            if got < 0 {
                if errno == EINTR { continue }
                readErrno = errno
                break
            }
            if got == 0 { break }
            var offset = 0
            while offset < got {
                let record = buffer + offset
                let recordLength = Int(record.load(fromByteOffset: 16, as: UInt16.self))
                guard recordLength > 0 else { break reading }  // never from a kernel; never loop on it
                offset += recordLength
                if record.load(as: UInt64.self) == 0 { continue }  // inode 0: a deleted entry, as readdir skips it
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                let name = UnsafePointer((record + 19).assumingMemoryBound(to: CChar.self))
                if name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0)) { continue }
                let length = strlen(name)
                var meta: UInt32
                var aux: UInt32 = 0
                var apparent: Int64 = 0
                var allocated: Int64 = 0
                var mtime: Int64 = 0
                if type == UInt8(DT_DIR) {
                    // Sizes come when it is opened (above), from its own descriptor.
                    state.pendingDirectories += 1
                    state.totals.directories += 1
                    meta = ScanStore.Meta.make(kind: .directory, nameLength: length, flags: ScanStore.Meta.descend)
                } else {
                    var st = stat()
                    if fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
                        let e = errno
                        if e == ENOENT { continue }  // removed since it was listed
                        let kind = Self.kind(direntType: type)
                        meta = ScanStore.Meta.make(kind: kind, nameLength: length, flags: ScanStore.Meta.statFailed)
                        aux = UInt32(bitPattern: e)
                        if kind == .directory { state.pendingDirectories += 1 }
                    } else {
                        let kind = Self.kind(mode: st.st_mode)
                        var flags: UInt32 = 0
                        apparent = Int64(st.st_size)
                        allocated = Int64(st.st_blocks) &* 512
                        mtime = Int64(st.st_mtim.tv_sec)
                        switch kind {
                        case .directory:
                            // A filesystem that gives no d_type: stat'ed here, and again through its descriptor.
                            state.pendingDirectories += 1
                            if oneFilesystem && UInt64(st.st_dev) != rootDevice {
                                // A mount point: like `du -x`, neither entered nor counted.
                                flags = ScanStore.Meta.otherFilesystem
                                state.totals.otherFilesystems += 1
                            } else {
                                flags = ScanStore.Meta.descend
                                state.totals.directories += 1
                            }
                        case .file: state.totals.files += 1
                        case .symlink:
                            state.totals.symlinks += 1
                            // The link's own text, read relative to its directory (readlinkat never follows).
                            if let target = Self.readLink(fd, name, &state.linkBuffer) {
                                state.pendingTargets.append((state.pending.count, target))
                            }
                        default: state.totals.others += 1
                        }
                        if kind != .directory && st.st_nlink > 1 && !firstSight(UInt64(st.st_dev), UInt64(st.st_ino)) {
                            flags |= ScanStore.Meta.duplicateLink
                            state.totals.hardlinksSkipped += 1
                        } else if kind != .directory {
                            state.apparent &+= Int(apparent)
                            state.allocated &+= Int(allocated)
                        }
                        meta = ScanStore.Meta.make(kind: kind, nameLength: length, flags: flags)
                    }
                }
                state.pending.append(PendingEntry(meta: meta, aux: aux, apparent: apparent, allocated: allocated, mtime: mtime))
                state.names.append(contentsOf: UnsafeRawBufferPointer(start: name, count: length))
                state.entries += 1
                sinceCheck += 1
                if sinceCheck == 512 {
                    sinceCheck = 0
                    if stopping.load(ordering: .relaxed) {
                        close(fd)
                        return
                    }
                    publish(&state, report: true)
                }
            }
        }
        if stopping.load(ordering: .relaxed) {
            close(fd)
            return
        }
        if !store(job, dirFD: fd, readErrno: readErrno, &state) { close(fd) }
        publish(&state, report: true)
    }

    /// Stats a directory that could not be opened (or stat'ed through its descriptor) by its name below its parent,
    /// so that its own size is still counted as `du` counts it; when that fails too, or the name is no longer a
    /// directory (swapped since it was listed), it is marked unreadable with no sizes. Returns true when it turned
    /// out to be a mount point of another filesystem under `oneFilesystem` (then it is settled: not counted, no
    /// problem); false when the caller records why it could not be read.
    private func statByName(_ job: ScanJob, parent: Int32, name: [CChar], _ state: inout WorkerState) -> Bool {
        var st = stat()
        let node = Int(job.node)
        guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            // Not stat'able either (a directory without search permission lists names it cannot stat), or no longer
            // a directory: no sizes, and not counted as a directory, as when stat fails for any other entry.
            store.meta[node] |= ScanStore.Meta.statFailed
            state.totals.directories -= 1
            return false
        }
        store.mtime[node] = Int64(st.st_mtim.tv_sec)
        if options.oneFilesystem && UInt64(st.st_dev) != rootDevice {
            store.meta[node] |= ScanStore.Meta.otherFilesystem
            state.totals.directories -= 1
            state.totals.otherFilesystems += 1
            return true
        }
        store.apparent[node] = Int64(st.st_size)
        store.allocated[node] = Int64(st.st_blocks) &* 512
        state.apparent &+= Int(st.st_size)
        state.allocated &+= Int(st.st_blocks) &* 512
        return false
    }

    /// Whether this is the first name seen for a multiply-linked inode.
    private func firstSight(_ dev: UInt64, _ ino: UInt64) -> Bool {
        linkLock.lock()
        defer { linkLock.unlock() }
        return seenLinks.insert(DevIno(dev: dev, ino: ino)).inserted
    }

    /// Reserves `count` slots of a column, or fails the scan when the column is full.
    private func reserve(_ counter: borrowing Atomic<Int>, _ count: Int, limit: Int, what: String) -> Int? {
        let end = counter.add(count, ordering: .relaxed).newValue
        if end > limit {
            fail(
                EngineError(
                    .invalidArgument,
                    "the tree holds more than \(limit) \(what): scan a smaller part (a PATH inside the volume) or raise ScanOptions.maxEntries"
                ))
            return nil
        }
        return end - count
    }

    /// Copies a directory's entries from scratch into contiguous slots and queues its subdirectories; returns whether
    /// `dirFD` now belongs to their jobs (closed when the last of them has opened its own), else the caller closes it.
    @discardableResult
    private func store(_ job: ScanJob, dirFD: Int32, readErrno: Int32, _ state: inout WorkerState) -> Bool {
        let d = Int(job.directory)
        if readErrno != 0 {
            directoryFailed(job, readErrno, flag: ScanStore.Meta.openFailed, &state)
        }
        let count = state.pending.count
        guard count > 0 else { return false }
        guard let start = reserve(nextEntry, count, limit: store.entryCapacity, what: "entries"),
            let nameStart = reserve(nextNameByte, state.names.count, limit: store.nameCapacity, what: "bytes of names"),
            let dirStart = reserve(nextDirectory, state.pendingDirectories, limit: store.entryCapacity, what: "directories")
        else { return false }
        state.names.withUnsafeBytes {
            (store.names + nameStart).update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: $0.count)
        }
        var nameOffset = nameStart
        var nextDir = dirStart
        var handle: DirectoryHandle?
        let s = store
        state.pending.withUnsafeBufferPointer { pending in
            for i in 0..<count {
                let e = pending[i]
                let id = start + i
                s.parent[id] = job.node
                s.nameOffset[id] = UInt32(truncatingIfNeeded: nameOffset)
                nameOffset += Int(e.meta & ScanStore.Meta.nameLengthMask)
                s.apparent[id] = e.apparent
                s.allocated[id] = e.allocated
                s.mtime[id] = e.mtime
                let meta = e.meta & ~ScanStore.Meta.descend
                if (e.meta & ScanStore.Meta.kindMask) >> ScanStore.Meta.kindShift == UInt32(ScanTree.Kind.directory.rawValue) {
                    let sub = nextDir
                    nextDir += 1
                    s.aux[id] = UInt32(sub)
                    initDirectory(sub, node: id, error: e.meta & ScanStore.Meta.statFailed != 0 ? Int32(bitPattern: e.aux) : 0)
                    if e.meta & ScanStore.Meta.descend != 0 {
                        let parent = handle ?? DirectoryHandle(fd: dirFD)
                        handle = parent
                        state.local.append(ScanJob(parent: parent, node: UInt32(id), directory: UInt32(sub)))
                    }
                } else {
                    s.aux[id] = e.aux
                }
                if e.meta & ScanStore.Meta.statFailed != 0 { state.problems.append((UInt32(id), Int32(bitPattern: e.aux))) }
                s.meta[id] = meta
            }
        }
        s.dirFirstChild[d] = UInt32(start)
        s.dirChildCount[d] = UInt32(count)
        for (index, target) in state.pendingTargets { state.linkTargets.append((UInt32(start + index), target)) }
        return handle != nil
    }

    // MARK: Progress

    private func publish(_ state: inout WorkerState, report: Bool) {
        meter.add(entries: state.entries, directories: state.directoriesRead, apparent: state.apparent, allocated: state.allocated)
        state.entries = 0
        state.directoriesRead = 0
        state.apparent = 0
        state.allocated = 0
        if report, meter.isReporting { meter.reportTotals(force: false) }
    }

    // MARK: Completion

    private func complete() {
        let ended = MonotonicClock.seconds()
        if startFD >= 0 { close(startFD) }
        condition.lock()
        let failure = self.failure
        var totals = self.totals
        let problems = self.problems
        let linkTargets = self.linkTargets
        condition.unlock()
        let done = completion
        completion = nil
        if cancelled.load(ordering: .relaxed) {
            done?(.failure(CancellationError()))
            return
        }
        if let failure {
            done?(.failure(failure))
            return
        }
        store.finish(
            entries: nextEntry.load(ordering: .relaxed), nameBytes: nextNameByte.load(ordering: .relaxed),
            directories: nextDirectory.load(ordering: .relaxed))
        store.aggregate()
        store.linkTargets = Dictionary(linkTargets, uniquingKeysWith: { a, _ in a })
        totals.apparentBytes = store.dirApparent[0]
        totals.allocatedBytes = store.dirAllocated[0]
        totals.newestMtime = store.dirNewest[0]
        let paths = ScanTree(rootPath: rootPath, relativePath: relativePath, totals: totals, store: store)
        totals.unreadable = problems.sorted { $0.node < $1.node }.map {
            ScanTree.Unreadable(path: paths.path(of: ScanTree.Node($0.node)), errno: $0.errno)
        }
        meter.reportTotals(force: true)
        done?(
            .success(
                ScanTree(
                    rootPath: rootPath, relativePath: relativePath, totals: totals, store: store,
                    walked: began...max(began, ended))))
    }
}
