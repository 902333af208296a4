# shellcheck shell=bash
# The release build of voltop and its benches, shared by scripts/install and scripts/bench-*.
#
# Every Swift and C function goes into a section of its own (-function-sections), so the linker can put the code
# that runs (Resources/link/voltop.order, written by scripts/order-file) together in a few pages, ahead of the code
# that does not. Package.swift gives the linker the order; these flags reach the dependencies too, which
# Package.swift cannot. The same flags for every product, so one product's build never rebuilds another's.
VT_RELEASE_FLAGS=(-c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections)

# vt_build_release [swift build options...]: builds in the repository root ($ROOT) with VT_RELEASE_FLAGS.
# SwiftPM does not compile a module again when only -Xswiftc/-Xcc flags change, so a release tree built with other
# flags (a plain `swift build -c release`) is removed first; .build/release/voltop-build-flags remembers them.
vt_build_release() {
    local stamp="${ROOT:?}/.build/release/voltop-build-flags"
    if [ -d "$ROOT/.build/release" ] && [ "$(cat "$stamp" 2>/dev/null)" != "${VT_RELEASE_FLAGS[*]}" ]; then
        echo "release build: other flags before; building everything again" >&2
        rm -rf "$ROOT/.build/release" "$ROOT/.build/$(uname -m)-unknown-linux-gnu/release"
    fi
    # SwiftPM does not know the layout files are inputs of the link: a newer one links voltop again.
    local bin="$ROOT/.build/release/voltop" input
    for input in "$ROOT/Resources/link/voltop.order" "$ROOT/Resources/link/text-layout.ld"; do
        if [ -e "$bin" ] && [ "$input" -nt "$bin" ]; then rm -f "$bin"; fi
    done
    # libstdc++ is linked statically (the C++ of the Swift runtime and of the TOML parser): only what runs is
    # mapped, instead of the whole shared library (RSS -1.4 MiB; 30.0 -> 28.6 MiB after start at 10,000 volumes).
    # SwiftPM links with -lstdc++ and its products directory as the first -L, so an archive there is found before
    # the system's shared library. Without a C++ compiler to locate it, the shared library is used, as before.
    local products="$ROOT/.build/$(uname -m)-unknown-linux-gnu/release" cc archive=""
    for cc in gcc clang; do
        command -v "$cc" >/dev/null 2>&1 || continue
        archive=$("$cc" -print-file-name=libstdc++.a 2>/dev/null || true)
        [ -f "$archive" ] && break
        archive=""
    done
    if [ -n "$archive" ] && [ "$(readlink "$products/libstdc++.a" 2>/dev/null)" != "$archive" ]; then
        mkdir -p "$products"
        ln -sfn "$archive" "$products/libstdc++.a"
        rm -f "$bin"
    fi
    (cd "$ROOT" && swift build "${VT_RELEASE_FLAGS[@]}" "$@") || return
    printf '%s\n' "${VT_RELEASE_FLAGS[*]}" >"$stamp"
}
