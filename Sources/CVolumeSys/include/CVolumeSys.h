#ifndef CVOLUMESYS_H
#define CVOLUMESYS_H

// System calls that Swift's Glibc module does not export (statx is hidden behind _GNU_SOURCE and a variadic
// syscall(2) cannot be called from Swift).

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef O_PATH
#define O_PATH 010000000
#endif
#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif

/// The mount ID (statx STATX_MNT_ID, Linux 5.8+) of `name` below `dirfd` (or of `dirfd` itself when `name`
/// is ""), never following a symlink. Returns 0 and sets *mount_id, or -1 with errno (ENOSYS, EINVAL: the
/// kernel has no statx or no mount IDs; ENODATA: it answered without a mount ID).
static inline int cvs_mount_id(int dirfd, const char *name, uint64_t *mount_id) {
    struct statx stx;
    int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;
    if (name[0] == 0) flags |= AT_EMPTY_PATH;
    long r = syscall(SYS_statx, dirfd, name, flags, STATX_MNT_ID, &stx);
    if (r != 0) return -1;
    if (!(stx.stx_mask & STATX_MNT_ID)) {
        errno = ENODATA;
        return -1;
    }
    *mount_id = stx.stx_mnt_id;
    return 0;
}

/// The birth time (statx STATX_BTIME) of the file open at `fd`, in seconds since 1970. Returns 0 and sets *seconds,
/// or -1 (no statx, or the filesystem keeps no birth time).
static inline int cvs_birth_time(int fd, double *seconds) {
    struct statx stx;
    long r = syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BTIME, &stx);
    if (r != 0 || !(stx.stx_mask & STATX_BTIME)) return -1;
    *seconds = (double)stx.stx_btime.tv_sec + (double)stx.stx_btime.tv_nsec / 1e9;
    return 0;
}

#include <sys/stat.h>
#include <sys/sysmacros.h>

/// What the scanner needs of a directory it has open: one statx instead of fstat plus a statx for the mount ID.
struct cvs_dir_stat {
    uint64_t dev;      // as stat(2)'s st_dev
    uint64_t ino;
    uint32_t mode;
    int64_t size;
    int64_t blocks;    // 512-byte blocks
    int64_t mtime;     // seconds
    uint64_t mount_id; // valid when has_mount_id
    int has_mount_id;
};

/// Fills *out for the file open at `fd` (never following a symlink). Falls back to fstat(2) when statx fails (a
/// kernel without it, a seccomp filter that refuses it): then has_mount_id is 0. Returns 0, or -1 with errno.
static inline int cvs_stat_fd(int fd, struct cvs_dir_stat *out) {
    struct statx stx;
    long r = syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
                     STATX_BASIC_STATS | STATX_MNT_ID, &stx);
    if (r != 0) {
        struct stat st;
        if (fstat(fd, &st) != 0) return -1;
        out->dev = (uint64_t)st.st_dev;
        out->ino = (uint64_t)st.st_ino;
        out->mode = (uint32_t)st.st_mode;
        out->size = (int64_t)st.st_size;
        out->blocks = (int64_t)st.st_blocks;
        out->mtime = (int64_t)st.st_mtim.tv_sec;
        out->mount_id = 0;
        out->has_mount_id = 0;
        return 0;
    }
    out->dev = (uint64_t)makedev(stx.stx_dev_major, stx.stx_dev_minor);
    out->ino = stx.stx_ino;
    out->mode = stx.stx_mode;
    out->size = (int64_t)stx.stx_size;
    out->blocks = (int64_t)stx.stx_blocks;
    out->mtime = (int64_t)stx.stx_mtime.tv_sec;
    out->has_mount_id = (stx.stx_mask & STATX_MNT_ID) != 0;
    out->mount_id = out->has_mount_id ? stx.stx_mnt_id : 0;
    return 0;
}

/// getdents64(2): reads directory records of `fd` into `buffer` (`struct linux_dirent64`: d_ino at 0, d_off at 8,
/// d_reclen at 16, d_type at 18, the NUL-terminated name at 19). Returns the bytes read, 0 at the end, -1 with errno.
static inline long cvs_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}

/// `openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)`: a descriptor that names the entry without opening it
/// (no device driver or FIFO is involved; a symlink is the link itself); fstat works on it, read does not.
static inline int cvs_open_path(int dirfd, const char *name) {
    return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}


#include <sys/fanotify.h>

/// A fanotify group for notifications only (no permission events), non-blocking, close-on-exec, whose event
/// descriptors are opened read-only. Returns the group's descriptor, or -1 with errno (EPERM: not root).
static inline int cvs_fanotify_open(void) {
    return fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_CLOEXEC);
}

/// Watches every modification on the filesystem that holds `path` (FAN_MARK_FILESYSTEM, Linux 4.20+).
static inline int cvs_fanotify_watch_modify(int group, const char *path) {
    return fanotify_mark(group, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_MODIFY, AT_FDCWD, path);
}

/// The size of `struct fanotify_event_metadata` and the version this build reads.
static inline int cvs_fanotify_metadata_size(void) { return (int)sizeof(struct fanotify_event_metadata); }
static inline int cvs_fanotify_metadata_version(void) { return FANOTIFY_METADATA_VERSION; }

#include <malloc.h>
#include <sys/eventfd.h>

/// A non-blocking eventfd (close-on-exec), or -1.
static inline int cvs_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

/// Returns memory that malloc keeps free in its arenas to the system (glibc's malloc_trim).
static inline int cvs_malloc_trim(void) { return malloc_trim(0); }

/// Makes every thread allocate from malloc's one main arena (glibc's M_ARENA_MAX = 1).
static inline int cvs_malloc_one_arena(void) { return mallopt(M_ARENA_MAX, 1); }

/// Serves every allocation of `bytes` or more with its own mapping, returned to the system when freed (glibc's
/// M_MMAP_THRESHOLD; setting it also stops glibc from raising the threshold as big blocks are freed).
static inline int cvs_malloc_map_from(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

/// malloc's figures (glibc's mallinfo2, all arenas): bytes in use, and bytes taken from the system (heap + mmap).
static inline void cvs_heap_figures(unsigned long long *inUse, unsigned long long *fromSystem) {
    struct mallinfo2 info = mallinfo2();
    *inUse = (unsigned long long)(info.uordblks + info.hblkhd);
    *fromSystem = (unsigned long long)(info.arena + info.hblkhd);
}

#include <elf.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

/// An address range [start, end).
struct cvs_address_range {
    uintptr_t start;
    uintptr_t end;
};

/// Drops this process's mappings of the whole pages of [start, end) (a read-only file mapping: the pages stay in
/// the page cache, and a later read maps them again). Returns 0, or -1 with errno.
static inline int cvs_drop_read_only_pages(uintptr_t start, uintptr_t end) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t first = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t last = end & ~((uintptr_t)page - 1);
    if (last <= first) return 0;
    return madvise((void *)first, last - first, MADV_DONTNEED);
}

/// The program's load segments that are never written (its code, and its read-only data: metadata, unwind
/// tables), found through the program headers the kernel passed (AT_PHDR); up to `max` of them into `out`. Returns
/// how many: none when the load address cannot be told (no PT_PHDR) or when the program has text relocations
/// (DT_TEXTREL, DF_TEXTREL: the loader wrote into segments that are not writable).
static inline int cvs_read_only_segments_of_program(struct cvs_address_range *out, int max) {
    const Elf64_Phdr *headers = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long count = getauxval(AT_PHNUM);
    if (headers == NULL || count == 0) return 0;
    uintptr_t bias = 0;
    int has_phdr = 0;
    const Elf64_Phdr *dynamic = NULL;
    for (unsigned long i = 0; i < count; i++) {
        if (headers[i].p_type == PT_PHDR) {
            bias = (uintptr_t)headers - headers[i].p_vaddr;
            has_phdr = 1;
        }
        if (headers[i].p_type == PT_DYNAMIC) dynamic = &headers[i];
    }
    if (!has_phdr) return 0;
    if (dynamic != NULL) {
        for (const Elf64_Dyn *entry = (const Elf64_Dyn *)(bias + dynamic->p_vaddr); entry->d_tag != DT_NULL; entry++) {
            if (entry->d_tag == DT_TEXTREL) return 0;
            if (entry->d_tag == DT_FLAGS && (entry->d_un.d_val & DF_TEXTREL)) return 0;
        }
    }
    int found = 0;
    for (unsigned long i = 0; i < count && found < max; i++) {
        const Elf64_Phdr *segment = &headers[i];
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W) || segment->p_memsz != segment->p_filesz) continue;
        out[found].start = bias + segment->p_vaddr;
        out[found].end = bias + segment->p_vaddr + segment->p_memsz;
        found++;
    }
    return found;
}

/// Names the calling thread (cut to 15 bytes by the kernel), as seen in `top -H` and /proc: prctl(2) is variadic
/// and pthread_setname_np hides behind _GNU_SOURCE.
static inline void cvs_name_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/// Gives the calling thread alone (not the process) the niceness `nice` (0 to 19: lower priority): on Linux each
/// thread has its own, and setpriority(2) takes a thread ID for PRIO_PROCESS. Returns 0, or -1 with errno.
static inline int cvs_set_thread_nice(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

/// The soft RLIMIT_NICE (Swift's Glibc module does not export the resource's name): niceness may go down to
/// 20 - limit without CAP_SYS_NICE. Returns -1 when it cannot be read, and INT64_MAX when unlimited.
static inline long long cvs_nice_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NICE, &limit) != 0) return -1;
    return limit.rlim_cur == RLIM_INFINITY ? INT64_MAX : (long long)limit.rlim_cur;
}

/// The calling thread's niceness, or -100 when it cannot be read.
static inline int cvs_thread_nice(void) {
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
    return (nice == -1 && errno != 0) ? -100 : nice;
}

#endif
