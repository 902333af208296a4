# shellcheck shell=bash
# A private Podman service for the Podman tests: `podman system service --time=0` on DIR/podman/podman.sock with its
# own storage (--root, --runroot, vfs), cgroupfs and file events (no systemd here). Never touches another Podman.
# On these machines Podman creates containers but cannot start them (runc cannot set the rlimits Podman asks for), so
# the Podman tests use created containers only (scripts/test and README say which tests run where).
#
#   vt_podman_start DIR   -- starts it and imports the test image; exports VOLTOP_TEST_PODMAN_HOST
#   vt_podman_stop DIR    -- stops it and removes its storage (safe to call twice, and when it never started)

_vt_podman() {
    local dir=$1
    shift
    podman --root "$dir/root" --runroot "$dir/run" --storage-driver vfs --cgroup-manager cgroupfs \
        --events-backend file --tmpdir "$dir/tmp" "$@"
}

vt_podman_start() {
    local dir="$1/podman" i tmp applet
    if ! command -v podman >/dev/null 2>&1; then
        vt_log "no podman here: the Podman tests will say so"
        return 0
    fi
    mkdir -p "$dir/root" "$dir/run" "$dir/tmp"
    _vt_podman "$dir" system service --time=0 "unix://$dir/podman.sock" >"$dir/service.log" 2>&1 &
    echo $! >"$dir/service.pid"
    for ((i = 0; i < 100; i++)); do
        [ "$(curl -s --max-time 2 --unix-socket "$dir/podman.sock" http://d/_ping 2>/dev/null)" = OK ] && break
        sleep 0.1
    done
    if [ "$(curl -s --max-time 2 --unix-socket "$dir/podman.sock" http://d/_ping 2>/dev/null)" != OK ]; then
        vt_log "podman did not answer: $(tail -3 "$dir/service.log")"
        return 0
    fi
    tmp=$(mktemp -d /tmp/vt-pm-rootfs-XXXXXX)
    mkdir -p "$tmp/bin" "$tmp/tmp" "$tmp/etc"
    cp /bin/busybox "$tmp/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$tmp/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tmp/etc/passwd"
    tar -C "$tmp" --numeric-owner --owner=0 --group=0 -cf "$tmp.tar" .
    docker -H "unix://$dir/podman.sock" import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$VT_IMAGE" <"$tmp.tar" >/dev/null ||
        vt_log "importing the test image into podman failed"
    rm -rf "$tmp" "$tmp.tar"
    export VOLTOP_TEST_PODMAN_HOST="unix://$dir/podman.sock"
    vt_log "private podman on $VOLTOP_TEST_PODMAN_HOST ($(podman --version))"
}

vt_podman_stop() {
    local dir="$1/podman" pids p i
    [ -d "$dir" ] || return 0
    # Every process serving this run's socket (the recorded pid is the subshell that started podman, so match the
    # socket in the command line: never another Podman).
    pids=$(for p in /proc/[0-9]*; do
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF "unix://$dir/podman.sock"; then echo "${p#/proc/}"; fi
    done)
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            # shellcheck disable=SC2086
            kill -0 $pids 2>/dev/null || break
            sleep 0.1
        done
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    rm -f "$dir/service.pid"
    # Its storage (vfs layers, volumes) is plain directories under DIR (vfs mounts nothing; no container ever ran).
    rm -rf "$dir"
}
