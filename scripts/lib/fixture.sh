#!/usr/bin/env bash
# scripts/lib/fixture.sh -- build the realistic voltop fixture in an engine.
#
# Sourced by scripts/sandbox and scripts/record-fixtures (after engine.sh).
#   vt_build_fixture SOCK         volumes/containers that cover voltop's cases
#   vt_build_bench_fixture SOCK   + 1,000 volumes and 300 created containers
#   vt_fixture_summary SOCK       docker volume ls / docker ps -a
# Every container uses --network none (the private engine has no bridge).
#
# shellcheck shell=bash

# The fixture, by case it covers:
#   named volumes     app-data (1 MiB blob + 3 small files), logs
#                     (tier=backend), cache (tier=frontend, env=dev),
#                     unused-named (10 KiB, no owner), tmpfs-vol (driver
#                     options type=tmpfs,o=size=8m: /system/df cannot size it)
#   compose project   shop_db, shop_uploads (com.docker.compose.* labels),
#                     shop-db-1 (running, service db), shop-web-1 (exited,
#                     service web, shop_uploads read-only at /uploads)
#   owners            web (running; app-data:/data, logs:/logs:ro),
#                     worker (exited; app-data:/data),
#                     sidecar (running; --volumes-from web)
#   image VOLUME      declared (running, voltop-test/withvolume -> anonymous
#                     volume at /declared)
#   anonymous         a leaked one (64-hex name, 4 KiB, no container), one
#                     owned by the exited container old-job (-v /scratch)
#   non-volume mounts binder (running; bind DIR/bindsrc:/host, tmpfs /run/t)
#   odd names/labels  weird.name-1_x, label-escape (label note=ESC[31mred\nline)
vt_build_fixture() {
    local sock=${1:?vt_build_fixture SOCK} dir img anon t0
    sock=${sock#unix://}
    dir=$(dirname "$sock")
    img=$VT_IMAGE
    t0=$(date +%s.%N)
    _vt_d() { vt_docker "$sock" "$@"; }

    if _vt_d container inspect web >/dev/null 2>&1; then
        vt_log "the fixture already exists in this engine (container 'web'); not building it again"
        return 1
    fi
    if ! _vt_d image inspect "$img" >/dev/null 2>&1 ||
        ! _vt_d image inspect "$VT_VOLUME_IMAGE" >/dev/null 2>&1; then
        vt_import_test_image "$sock"
    fi

    vt_log "building fixture in $sock"
    # --- named volumes ------------------------------------------------------
    _vt_d volume create app-data >/dev/null
    _vt_d run --rm --network none -v app-data:/data "$img" sh -c '
        dd if=/dev/zero of=/data/blob bs=1024 count=1024 2>/dev/null
        echo "hello from app-data" > /data/readme.txt
        mkdir -p /data/sub
        echo one > /data/sub/one.txt
        echo two > /data/sub/two.txt'
    _vt_d volume create --label tier=backend logs >/dev/null
    _vt_d run --rm --network none -v logs:/logs "$img" sh -c 'echo "boot ok" > /logs/app.log'
    _vt_d volume create --label tier=frontend --label env=dev cache >/dev/null
    _vt_d volume create unused-named >/dev/null
    _vt_d run --rm --network none -v unused-named:/data "$img" \
        dd if=/dev/zero of=/data/ten-kib bs=1024 count=10 2>/dev/null
    _vt_d volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=8m tmpfs-vol >/dev/null

    # --- a compose project ("shop") -------------------------------------------
    local vol svc
    for vol in db uploads; do
        _vt_d volume create \
            --label com.docker.compose.project=shop \
            --label "com.docker.compose.volume=$vol" \
            --label com.docker.compose.version=2.20.0 \
            "shop_$vol" >/dev/null
    done
    _vt_d run --rm --network none -v shop_db:/db -v shop_uploads:/uploads "$img" sh -c '
        dd if=/dev/zero of=/db/table.dat bs=1024 count=64 2>/dev/null
        echo "PNG" > /uploads/logo.png'
    _vt_compose_labels() {
        svc=$1
        printf -- '--label\0com.docker.compose.project=shop\0--label\0com.docker.compose.service=%s\0' "$svc"
        printf -- '--label\0com.docker.compose.container-number=1\0--label\0com.docker.compose.oneoff=False\0'
        printf -- '--label\0com.docker.compose.version=2.20.0\0'
    }
    local -a labels
    mapfile -d '' labels < <(_vt_compose_labels db)
    _vt_d run -d --name shop-db-1 --network none "${labels[@]}" \
        -v shop_db:/var/lib/db "$img" sleep 100000 >/dev/null
    mapfile -d '' labels < <(_vt_compose_labels web)
    _vt_d run --name shop-web-1 --network none "${labels[@]}" \
        -v shop_uploads:/uploads:ro "$img" ls /uploads >/dev/null

    # --- owners of app-data / logs --------------------------------------------
    _vt_d run -d --name web --network none -v app-data:/data -v logs:/logs:ro \
        "$img" sleep 100000 >/dev/null
    _vt_d create --name worker --network none -v app-data:/data "$img" \
        sh -c 'ls /data >/dev/null' >/dev/null
    _vt_d start -a worker >/dev/null # runs to completion -> exited (0)
    _vt_d run -d --name sidecar --network none --volumes-from web \
        "$img" sleep 100000 >/dev/null

    # --- image-declared VOLUME -> anonymous volume ------------------------------
    _vt_d run -d --name declared --network none "$VT_VOLUME_IMAGE" >/dev/null

    # --- a leaked anonymous volume ----------------------------------------------
    # `docker volume create` without a name gives a 64-hex name. A --rm
    # container only removes the anonymous volumes created FOR it; one that
    # is mounted by name (-v NAME:/path) survives, unused and anonymous.
    anon=$(_vt_d volume create)
    _vt_d run --rm --network none -v "$anon:/data" "$img" \
        dd if=/dev/zero of=/data/leak bs=1024 count=4 2>/dev/null
    _vt_d volume inspect "$anon" >/dev/null # still there?

    # --- an anonymous volume owned by an exited container -------------------------
    _vt_d run --name old-job --network none -v /scratch "$img" \
        sh -c 'echo result > /scratch/out.txt'

    # --- bind mount + tmpfs (not volumes: must not be counted as volumes) ---------
    mkdir -p "$dir/bindsrc"
    echo "from the host" >"$dir/bindsrc/hello.txt"
    _vt_d run -d --name binder --network none -v "$dir/bindsrc:/host" --tmpfs /run/t \
        "$img" sleep 100000 >/dev/null

    # --- odd names and hostile label values ----------------------------------------
    _vt_d volume create weird.name-1_x >/dev/null
    _vt_d volume create --label "note=$(printf '\033[31mred\nline')" label-escape >/dev/null

    vt_log "fixture built in $(_vt_since "$t0")s (leaked anonymous volume: $anon)"
}

# vt_build_bench_fixture SOCK -- 1,000 volumes bench-vol-0001..1000 (every
# third labelled bench=yes, group=gN) and 300 containers bench-c-001..300,
# created but never started, each mounting 1-3 bench volumes.
# Fast path: one curl process doing all requests over the API socket, 8 in
# flight (`curl --parallel` with a generated config file: no fork per
# request). The result is checked by counting afterwards.
vt_build_bench_fixture() {
    local sock=${1:?vt_build_bench_fixture SOCK} t0 t1 i k n binds cfg count
    sock=${sock#unix://}
    cfg=$(mktemp /tmp/vt-bench-XXXXXX)
    t0=$(date +%s.%N)

    # One config block per request; `next` starts a new one.
    _vt_bench_req() { # URL JSON (JSON with \" escapes for the config file)
        printf 'next\nunix-socket = "%s"\nheader = "Content-Type: application/json"\n' "$sock"
        printf 'silent\nshow-error\nfail\noutput = "/dev/null"\nurl = "%s"\ndata = "%s"\n' "$1" "$2"
    }
    for ((i = 1; i <= 1000; i++)); do
        if ((i % 3 == 0)); then
            _vt_bench_req http://d/v1.41/volumes/create \
                "$(printf '{\\"Name\\":\\"bench-vol-%04d\\",\\"Labels\\":{\\"bench\\":\\"yes\\",\\"group\\":\\"g%d\\"}}' "$i" $((i % 10)))"
        else
            _vt_bench_req http://d/v1.41/volumes/create \
                "$(printf '{\\"Name\\":\\"bench-vol-%04d\\"}' "$i")"
        fi
    done | sed 1d >"$cfg"
    curl --parallel --parallel-max 8 --no-progress-meter -K "$cfg" || true
    count=$(vt_docker "$sock" volume ls -q --filter name=bench-vol- | wc -l)
    [ "$count" -eq 1000 ] || { rm -f "$cfg"; vt_log "bench: expected 1000 volumes, got $count"; return 1; }
    t1=$(date +%s.%N)
    vt_log "bench: 1000 volumes in $(_vt_since "$t0")s"

    for ((i = 1; i <= 300; i++)); do
        n=$((1 + i % 3))
        binds=""
        for ((k = 0; k < n; k++)); do
            binds+="${binds:+,}\\\"$(printf 'bench-vol-%04d' $(((i * 3 + k) % 1000 + 1))):/v$k\\\""
        done
        _vt_bench_req "$(printf 'http://d/v1.41/containers/create?name=bench-c-%03d' "$i")" \
            "$(printf '{\\"Image\\":\\"%s\\",\\"Cmd\\":[\\"true\\"],\\"Labels\\":{\\"bench\\":\\"yes\\"},\\"HostConfig\\":{\\"NetworkMode\\":\\"none\\",\\"Binds\\":[%s]}}' "$VT_IMAGE" "$binds")"
    done | sed 1d >"$cfg"
    curl --parallel --parallel-max 8 --no-progress-meter -K "$cfg" || true
    rm -f "$cfg"
    count=$(vt_docker "$sock" ps -aq --filter name=bench-c- | wc -l)
    [ "$count" -eq 300 ] || { vt_log "bench: expected 300 containers, got $count"; return 1; }
    vt_log "bench: 300 containers in $(_vt_since "$t1")s; bench fixture total $(_vt_since "$t0")s"
}

# vt_fixture_summary SOCK -- docker volume ls / docker ps -a, without the
# bench-* objects (only counted).
vt_fixture_summary() {
    local sock=${1#unix://}
    echo "--- docker volume ls ---"
    vt_docker "$sock" volume ls | grep -v ' bench-vol-' || true
    echo "--- docker ps -a ---"
    vt_docker "$sock" ps -a --format 'table {{.Names}}\t{{.Status}}\t{{.Image}}\t{{.Mounts}}' |
        grep -v '^bench-c-' || true
    local nb
    nb=$(vt_docker "$sock" volume ls -q --filter name=bench-vol- | wc -l)
    if [ "$nb" -gt 0 ]; then
        echo "(+ $nb bench-vol-* volumes and $(vt_docker "$sock" ps -aq --filter name=bench-c- | wc -l) bench-c-* containers not listed)"
    fi
}
