#!/usr/bin/env bash
# scripts/lib/engine.sh -- helpers to run a PRIVATE, throw-away Docker engine.
#
# Sourced by scripts/test, scripts/sandbox and scripts/record-fixtures.
# Everything here works as root on a fresh Debian 12 (docker.io = dockerd
# 20.10, API 1.41; containerd 1.6; runc 1.1).
#
# The engine is fully self-contained inside one directory DIR (keep it short:
# unix socket paths are limited to 108 bytes, so use `mktemp -d /tmp/vt-XXXXXX`):
#
#   DIR/.vt-engine          marker: "this directory belongs to a voltop engine"
#   DIR/docker.sock         the Docker API socket      (what the tests talk to)
#   DIR/docker.pid          dockerd's own pidfile      (removed by dockerd on exit)
#   DIR/dockerd.launch.pid  dockerd pid as launched    (kept, for vt_engine_stop)
#   DIR/dockerd.log         dockerd log
#   DIR/daemon.json         dockerd config (replaces /etc/docker/daemon.json)
#   DIR/data, DIR/exec      dockerd --data-root / --exec-root
#   DIR/containerd.*        the private containerd (socket, pid, log, config)
#   DIR/ctd-root, ctd-state its --root / --state
#   DIR/storage-driver      the storage driver that was chosen
#
# Why a private containerd: dockerd 20.10 only starts its own containerd child
# when /run/containerd/containerd.sock does NOT exist (see
# systemContainerdRunning() in moby v20.10 cmd/dockerd/daemon.go); if a system
# containerd is running it silently shares it. Running our own containerd with
# its own root/state/socket and passing `--containerd` makes the engine
# independent of whatever else runs on the machine.
#
# The only things outside DIR that the engine touches:
#   * /run/containerd/s/<sha256>  shim sockets (containerd 1.6 hard-codes this
#     directory; names are hashed from our containerd socket path, so they
#     cannot collide with another containerd). Removed when empty and created
#     by us.
#   * cgroups under /sys/fs/cgroup/<controller>/<basename DIR>/ (we pass a
#     per-engine --cgroup-parent) -- removed by vt_engine_stop.
#
# shellcheck shell=bash

# Images the helpers import (no registry access is needed or possible).
VT_IMAGE="voltop-test/busybox:latest"
VT_VOLUME_IMAGE="voltop-test/withvolume:latest"

vt_log() { printf '[voltop] %s\n' "$*" >&2; }
vt_die() { vt_log "ERROR: $*"; exit 1; }

# vt_docker SOCK ARGS... -- the docker CLI against one private engine.
# Whatever `docker` is first on PATH is used (docker.io's 20.10 CLI or a newer
# one; newer CLIs negotiate down to API 1.41 by themselves).
vt_docker() {
    local sock=$1
    shift
    docker -H "unix://$sock" "$@"
}

# vt_api SOCK METHOD PATH [curl args...] -- raw Engine API call via curl.
vt_api() {
    local sock=$1 method=$2 path=$3
    shift 3
    curl -sS --unix-socket "$sock" -X "$method" "$@" "http://d$path"
}

# ----------------------------------------------------------------------------
# vt_install_deps: install everything the tests need, only if something is
# missing (no apt at all when everything is present).
# ----------------------------------------------------------------------------
vt_install_deps() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(dockerd)
    command -v containerd >/dev/null 2>&1 || missing+=(containerd)
    command -v runc >/dev/null 2>&1 || missing+=(runc)
    command -v docker >/dev/null 2>&1 || missing+=(docker-cli)
    # The test image is built from /bin/busybox, which must be the STATIC
    # build (busybox-static): a dynamic one would need a libc in the image.
    if [ ! -x /bin/busybox ] ||
        ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
        missing+=(busybox-static)
    fi
    command -v tmux >/dev/null 2>&1 || missing+=(tmux)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
    command -v gdu >/dev/null 2>&1 || missing+=(gdu)
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    [ -f /usr/include/ncursesw/curses.h ] || missing+=(ncursesw-headers)
    [ -f /usr/include/zlib.h ] || missing+=(zlib-headers)
    # glibc's locale sources: a unit test builds a decimal-comma locale with localedef.
    [ -f /usr/share/i18n/locales/de_DE ] || missing+=(locales)

    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    vt_log "missing: ${missing[*]} -- installing with apt-get"
    if [ "$(id -u)" -ne 0 ]; then
        vt_die "need root to apt-get install (missing: ${missing[*]})"
    fi
    # apt-get update only once per shell, even if called again.
    if [ -z "${VT_APT_UPDATED:-}" ]; then
        apt-get update
        VT_APT_UPDATED=1
    fi
    # openssh-server's postinst would start the system's sshd on port 22: policy-rc.d forbids starting services
    # for the install (the tests start a private sshd of their own, scripts/lib/sshd.sh).
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y \
        docker.io busybox-static libncursesw5-dev zlib1g-dev tmux curl hyperfine gdu openssl openssh-server openssh-client podman locales || {
        [ "$made_policy" = 0 ] || rm -f "$policy"
        vt_die "apt-get install failed"
    }
    [ "$made_policy" = 0 ] || rm -f "$policy"
}

# ----------------------------------------------------------------------------
# vt_ensure_test_user: the group that owns the private engine's socket
# ($VT_SOCKET_GROUP, voltop-docker) and an unprivileged member of it
# ($VT_TEST_USER, voltop-test), created when missing (as root). The helper-mode
# tests run `voltop du` as that user: in the docker group, but not root, so it
# cannot read a volume's Mountpoint and must go through a helper container.
# ----------------------------------------------------------------------------
VT_SOCKET_GROUP="voltop-docker"
VT_TEST_USER="voltop-test"
vt_ensure_test_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    getent group "$VT_SOCKET_GROUP" >/dev/null 2>&1 || groupadd --system "$VT_SOCKET_GROUP" ||
        vt_die "could not create group $VT_SOCKET_GROUP"
    if ! getent passwd "$VT_TEST_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --groups "$VT_SOCKET_GROUP" "$VT_TEST_USER" || vt_die "could not create user $VT_TEST_USER"
    elif ! id -nG "$VT_TEST_USER" | tr ' ' '\n' | grep -qx "$VT_SOCKET_GROUP"; then
        usermod -aG "$VT_SOCKET_GROUP" "$VT_TEST_USER" || vt_die "could not add $VT_TEST_USER to $VT_SOCKET_GROUP"
    fi
}

# ----------------------------------------------------------------------------
# internal helpers
# ----------------------------------------------------------------------------

# _vt_alive PID -- true if PID runs (a zombie counts as gone).
_vt_alive() {
    local pid=$1 state
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    # field 3 of /proc/PID/stat is the state; the comm field may hold spaces,
    # so cut after the closing parenthesis.
    state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# _vt_pid_matches PID NEEDLE -- PID's command line contains NEEDLE (guards
# against signalling an unrelated process that re-used a stale pid).
_vt_pid_matches() {
    local pid=$1 needle=$2
    [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle"
}

# _vt_kill_wait PID TIMEOUT_S -- SIGTERM, wait, then SIGKILL. Never fails.
_vt_kill_wait() {
    local pid=$1 timeout=$2 i
    _vt_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
        _vt_alive "$pid" || break
        sleep 0.1
    done
    if _vt_alive "$pid"; then
        vt_log "pid $pid did not exit after ${timeout}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            _vt_alive "$pid" || break
            sleep 0.1
        done
    fi
    # Reap it if it is our child (scripts/test); harmless otherwise.
    wait "$pid" 2>/dev/null || true
}

# _vt_probe_overlay DIR -- can we mount overlayfs with upper/work dirs on the
# filesystem that holds DIR? (dockerd's overlay2 needs exactly that.)
_vt_probe_overlay() {
    local p="$1/ovl-probe" ok=1
    mkdir -p "$p/l" "$p/u" "$p/w" "$p/m"
    if mount -t overlay overlay -o "lowerdir=$p/l,upperdir=$p/u,workdir=$p/w" "$p/m" 2>/dev/null; then
        if touch "$p/m/x" 2>/dev/null; then ok=0; fi
        umount "$p/m" 2>/dev/null || umount -l "$p/m" 2>/dev/null || true
    fi
    rm -rf "$p"
    return $ok
}

# _vt_umount_under PATH -- unmount everything mounted at or below PATH,
# deepest first, lazily if busy. Never fails.
_vt_umount_under() {
    local p=$1 mnt m
    for _ in 1 2 3; do
        mnt=$(awk -v d="$p" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
        [ -n "$mnt" ] || break
        while IFS= read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
        done <<<"$mnt"
    done
    return 0
}

# _vt_wait_ping SOCK PID TIMEOUT_S -- wait for _ping == OK while PID lives.
_vt_wait_ping() {
    local sock=$1 pid=$2 timeout=$3 i
    for ((i = 0; i < timeout * 10; i++)); do
        if [ -S "$sock" ] &&
            [ "$(curl -s --max-time 2 --unix-socket "$sock" http://d/_ping 2>/dev/null)" = OK ]; then
            return 0
        fi
        _vt_alive "$pid" || return 1
        sleep 0.1
    done
    return 1
}

# _vt_start_containerd DIR -- private containerd, own root/state/socket.
_vt_start_containerd() {
    local dir=$1 i pid
    mkdir -p "$dir/ctd-root" "$dir/ctd-state"
    # Our own config file, so /etc/containerd/config.toml is never read.
    # CRI is disabled (not needed, and it would want CNI and /var/lib paths).
    cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/ctd-root"
state = "$dir/ctd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$dir/containerd.sock"

[ttrpc]
  address = "$dir/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""
EOF
    # setsid: own session/process group, so a Ctrl-C in the terminal does not
    # hit the engine directly (vt_engine_stop shuts it down in order).
    setsid containerd --config "$dir/containerd.toml" \
        </dev/null >>"$dir/containerd.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/containerd.pid"
    for ((i = 0; i < 300; i++)); do
        [ -S "$dir/containerd.sock" ] && return 0
        _vt_alive "$pid" || break
        sleep 0.1
    done
    vt_log "containerd did not come up; last log lines:"
    tail -n 30 "$dir/containerd.log" >&2 || true
    return 1
}

# _vt_start_dockerd DIR DRIVER -- dockerd on DIR/docker.sock; waits for _ping.
# _vt_make_certs DIR -- a throw-away CA, a server certificate for 127.0.0.1 and
# a client certificate (DIR/client/{ca,cert,key}.pem, the DOCKER_CERT_PATH layout).
_vt_make_certs() {
    local d=$1
    mkdir -p "$d/client"
    (
        cd "$d"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=voltop-test-ca
        openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -days 2 -extfile server.ext
        openssl req -newkey rsa:2048 -nodes -keyout client/key.pem -out client.csr -subj /CN=voltop-client
        printf 'extendedKeyUsage=clientAuth\n' >client.ext
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem -days 2 -extfile client.ext
        cp ca.pem client/ca.pem
    ) >/dev/null 2>&1 || vt_die "could not make TLS certificates with openssl in $d"
}

_vt_start_dockerd() {
    local dir=$1 driver=$2 pid
    # Our own daemon.json so /etc/docker/daemon.json is never read, and the
    # "trust key" lands in DIR instead of /etc/docker/key.json (20.10 writes
    # it by default; the key path is only settable in the config file).
    # "init": true runs every container under docker-init (tini), so PID 1
    # `sleep` in the test images dies on SIGTERM: `docker stop` takes ~0.1s
    # instead of the 10s stop timeout. (`docker run --init=false` opts out.)
    cat >"$dir/daemon.json" <<EOF
{
  "deprecated-key-path": "$dir/key.json",
  "init": true
}
EOF
    echo "$driver" >"$dir/storage-driver"
    # --bridge=none, --iptables/--ip-masq/--ip-forward=false: no docker0, no
    #   iptables rules, no sysctl changes (containers must use --network none
    #   or the host network).
    # --cgroup-parent: our containers' cgroups live under /<basename DIR>,
    #   not under the /docker parent shared with any other dockerd.
    # --shutdown-timeout 2: cap the daemon's own shutdown wait.
    # --userland-proxy=false: no docker-proxy processes (no ports anyway).
    # With VT_TLS_PORT set, the engine also listens on tcp://127.0.0.1:PORT with
    # --tlsverify (certificates made here, in DIR/tls; the client's in DIR/tls/client).
    # The socket belongs to group voltop-docker (mode 0660), like /var/run/docker.sock and group docker:
    # its members reach the engine without being root (see vt_ensure_test_user).
    local group=()
    if getent group "$VT_SOCKET_GROUP" >/dev/null 2>&1; then
        group=(--group "$VT_SOCKET_GROUP")
    fi
    local tls=()
    if [ -n "${VT_TLS_PORT:-}" ]; then
        _vt_make_certs "$dir/tls"
        tls=(--host "tcp://127.0.0.1:$VT_TLS_PORT" --tlsverify --tlscacert "$dir/tls/ca.pem"
            --tlscert "$dir/tls/server-cert.pem" --tlskey "$dir/tls/server-key.pem")
    fi
    setsid dockerd \
        --config-file "$dir/daemon.json" \
        --host "unix://$dir/docker.sock" \
        "${group[@]}" \
        "${tls[@]}" \
        --data-root "$dir/data" \
        --exec-root "$dir/exec" \
        --pidfile "$dir/docker.pid" \
        --containerd "$dir/containerd.sock" \
        --storage-driver "$driver" \
        --iptables=false --ip-masq=false --ip-forward=false --bridge=none \
        --userland-proxy=false \
        --cgroup-parent "/$(basename "$dir")" \
        --shutdown-timeout 2 \
        </dev/null >>"$dir/dockerd.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/dockerd.launch.pid"
    _vt_wait_ping "$dir/docker.sock" "$pid" 60
}

# ----------------------------------------------------------------------------
# vt_engine_start DIR -- start the private engine in DIR (created if needed).
# Storage driver: $VT_STORAGE_DRIVER if set, else overlay2 when an overlay
# mount works on DIR's filesystem, else vfs (slow but works everywhere).
# If dockerd fails with overlay2 it is retried once with vfs.
# ----------------------------------------------------------------------------
vt_engine_start() {
    local dir=${1:?vt_engine_start DIR}
    local t0 driver
    t0=$(date +%s.%N)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    if [ ${#dir} -gt 70 ]; then
        vt_die "engine dir '$dir' is too long for unix sockets; use e.g. \$(mktemp -d /tmp/vt-XXXXXX)"
    fi
    if [ -e "$dir/docker.sock" ] && curl -s --max-time 2 --unix-socket "$dir/docker.sock" http://d/_ping >/dev/null 2>&1; then
        vt_die "an engine is already running in $dir"
    fi
    touch "$dir/.vt-engine"
    # Others may pass through DIR (not list it) to reach the socket, whose group decides who may connect.
    chmod 0711 "$dir"
    vt_ensure_test_user
    # Did /run/containerd exist before us? (so stop can tidy up what the
    # shims create there, and only that.)
    [ -e /run/containerd ] || touch "$dir/.created-run-containerd"

    if [ -n "${VT_STORAGE_DRIVER:-}" ]; then
        driver=$VT_STORAGE_DRIVER
    elif _vt_probe_overlay "$dir"; then
        driver=overlay2
    else
        driver=vfs
    fi

    _vt_start_containerd "$dir" || { vt_engine_stop "$dir" --keep; return 1; }
    if ! _vt_start_dockerd "$dir" "$driver"; then
        if [ "$driver" = overlay2 ] && [ -z "${VT_STORAGE_DRIVER:-}" ]; then
            vt_log "dockerd failed with overlay2, retrying with vfs; log tail:"
            tail -n 15 "$dir/dockerd.log" >&2 || true
            _vt_stop_dockerd "$dir"
            _vt_umount_under "$dir/data"
            _vt_umount_under "$dir/exec"
            rm -rf "$dir/data" "$dir/exec" || true
            driver=vfs
            if _vt_start_dockerd "$dir" "$driver"; then
                vt_log "engine up in $dir (driver $driver) after $(_vt_since "$t0")s"
                return 0
            fi
        fi
        vt_log "dockerd exited or did not answer /_ping within 60s; last lines of $dir/dockerd.log:"
        tail -n 40 "$dir/dockerd.log" >&2 || true
        vt_engine_stop "$dir" --keep
        return 1
    fi
    vt_log "engine up in $dir (storage driver $driver) after $(_vt_since "$t0")s"
}

_vt_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# _vt_stop_dockerd DIR -- stop only OUR dockerd (pid from DIR/docker.pid,
# falling back to the pid recorded at launch; checked against the cmdline).
_vt_stop_dockerd() {
    local dir=$1 pid=""
    [ -s "$dir/docker.pid" ] && pid=$(cat "$dir/docker.pid" 2>/dev/null || true)
    if [ -z "$pid" ] || ! _vt_pid_matches "$pid" "$dir/docker.sock"; then
        pid=$(cat "$dir/dockerd.launch.pid" 2>/dev/null || true)
    fi
    if [ -n "$pid" ] && _vt_pid_matches "$pid" "$dir/docker.sock"; then
        _vt_kill_wait "$pid" 20
    fi
}

# ----------------------------------------------------------------------------
# vt_engine_stop DIR [--keep] -- stop the engine in DIR, clean up, rm DIR.
# Safe to call twice and from a trap: never fails, never touches processes
# or files that do not belong to this engine. --keep leaves DIR (logs) in
# place (used when start fails, so the logs can be read).
# ----------------------------------------------------------------------------
vt_engine_stop() {
    local dir=${1:-} keep=${2:-} pid shim root id cg
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd -P) || return 0
    if [ ! -e "$dir/.vt-engine" ]; then
        vt_log "$dir is not a voltop engine dir (no .vt-engine marker); not touching it"
        return 0
    fi

    # 1. dockerd. Kill running containers first through the API (a daemon
    #    shutdown waits each container's 10s stop timeout for processes that
    #    ignore SIGTERM), then SIGTERM the daemon.
    if [ -S "$dir/docker.sock" ] &&
        [ "$(curl -s --max-time 2 --unix-socket "$dir/docker.sock" http://d/_ping 2>/dev/null)" = OK ]; then
        local running
        running=$(timeout 20 docker -H "unix://$dir/docker.sock" ps -q 2>/dev/null || true)
        if [ -n "$running" ]; then
            # shellcheck disable=SC2086 # word splitting of ids is intended
            timeout 30 docker -H "unix://$dir/docker.sock" kill $running >/dev/null 2>&1 || true
        fi
    fi
    _vt_stop_dockerd "$dir"

    # 2. Containers that survived (dockerd was SIGKILLed, or crashed): kill
    #    them with runc directly, then the shims that belong to OUR containerd.
    root="$dir/exec/runtime-runc/moby"
    if [ -d "$root" ]; then
        for id in "$root"/*; do
            [ -d "$id" ] || continue
            id=$(basename "$id")
            runc --root "$root" kill "$id" KILL 2>/dev/null || true
            runc --root "$root" delete --force "$id" 2>/dev/null || true
        done
    fi
    for shim in $(pgrep -f -- "-address $dir/containerd.sock" 2>/dev/null || true); do
        _vt_pid_matches "$shim" "$dir/containerd.sock" && _vt_kill_wait "$shim" 5
    done

    # 3. containerd.
    pid=$(cat "$dir/containerd.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && _vt_pid_matches "$pid" "$dir/containerd.toml"; then
        _vt_kill_wait "$pid" 20
    fi

    # 4. Unmount everything still mounted under DIR (overlay merged dirs,
    #    shm, netns files, dockerd's bind of its data-root).
    _vt_umount_under "$dir"

    # 5. Our cgroup parent (one per controller hierarchy), deepest first.
    cg=$(basename "$dir")
    for h in /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg"; do
        if [ -d "$h" ]; then
            find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        fi
    done

    # 6. Tidy /run/containerd if it did not exist before us and is now empty.
    if [ -e "$dir/.created-run-containerd" ]; then
        rmdir /run/containerd/s 2>/dev/null || true
        rmdir /run/containerd 2>/dev/null || true
    fi

    if [ "$keep" = --keep ]; then
        vt_log "engine in $dir stopped; logs kept in $dir (rm -rf it when done)"
        return 0
    fi
    # Only delete DIR if nothing is mounted below it any more.
    if awk -v d="$dir" 'index($2, d "/") == 1 || $2 == d { f = 1 } END { exit !f }' /proc/self/mounts; then
        vt_log "something is still mounted under $dir; leaving it"
        return 0
    fi
    rm -rf "$dir" 2>/dev/null || true
    return 0
}

# ----------------------------------------------------------------------------
# vt_import_test_image SOCK -- import the two test images from busybox-static:
#   voltop-test/busybox:latest      /bin/busybox + applet symlinks, /tmp, /data
#   voltop-test/withvolume:latest   same, plus VOLUME /declared and
#                                   CMD ["sleep","100000"]
# then check that a container actually runs.
# ----------------------------------------------------------------------------
vt_import_test_image() {
    local sock=${1:?vt_import_test_image SOCK} tmp out applet
    tmp=$(mktemp -d /tmp/vt-rootfs-XXXXXX)
    mkdir -p "$tmp/bin" "$tmp/tmp" "$tmp/data" "$tmp/etc" "$tmp/root"
    chmod 1777 "$tmp/tmp"
    cp /bin/busybox "$tmp/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$tmp/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"

    tar -C "$tmp" --numeric-owner --owner=0 --group=0 -cf "$tmp.tar" .
    vt_docker "$sock" import \
        --change 'ENV PATH=/bin' --change 'CMD ["sh"]' \
        - "$VT_IMAGE" <"$tmp.tar" >/dev/null
    vt_docker "$sock" import \
        --change 'ENV PATH=/bin' --change 'VOLUME /declared' \
        --change 'CMD ["sleep","100000"]' \
        - "$VT_VOLUME_IMAGE" <"$tmp.tar" >/dev/null
    rm -rf "$tmp" "$tmp.tar"

    if ! out=$(vt_docker "$sock" run --rm --network none "$VT_IMAGE" echo ok 2>&1) || [ "$out" != ok ]; then
        vt_log "running a test container failed: $out"
        return 1
    fi
    vt_log "imported $VT_IMAGE and $VT_VOLUME_IMAGE; containers run"
}

# ----------------------------------------------------------------------------
# vt_engine_restart DIR [DOWN_SECONDS] -- stop only the daemon of the engine in
# DIR, leave it down for DOWN_SECONDS (default 2), start it again on the same
# socket, data-root and containerd. For tests of what clients do when the
# engine goes away and comes back.
# ----------------------------------------------------------------------------
vt_engine_restart() {
    local dir=$1 down=${2:-2}
    [ -e "$dir/.vt-engine" ] || vt_die "$dir is not a voltop engine dir"
    _vt_stop_dockerd "$dir"
    sleep "$down"
    _vt_start_dockerd "$dir" "$(cat "$dir/storage-driver")" || vt_die "dockerd did not come back; see $dir/dockerd.log"
}
