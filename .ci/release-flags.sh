# Sourced by .ci/build-deb.sh (the package's binaries) and scripts/benchmarks.sh (the figures
# of the kioskd the package ships): the one definition of how a release binary is built.
#
# The Swift runtime and Foundation linked in statically (the toolchain's shared libraries
# are no Debian package); no $ORIGIN run path (nothing is loaded from /usr/bin).
# -z now: full RELRO (BIND_NOW), as Debian's hardening flags ask.
# Linked by lld with packed relative relocations (DT_RELR, glibc >= 2.36: 975 KiB of
# .rela.dyn become 8 KiB of .relr.dyn, read at every start) and without exporting the
# binaries' own symbols (the toolchain's static-stdlib-args.lnk asks -export-dynamic:
# 500 KiB of .dynsym/.dynstr nothing looks up). Idle kioskd: -1.0 MiB (docs/memory.md).
# kioskd's text in the order of .ci/kioskd.order (scripts/kioskd-order.sh): the functions that
# run at start, when idle and in an intake packed together, so the code an idle kiosk touches
# fills fewer page-cache folios: idle kioskd -2.0 to -2.6 MiB (docs/memory.md). The others
# share only the runtime's names with it, hence no warning for the names a binary lacks; a
# stale order file costs locality only, never correctness.
# KIOSK_BUILD_PATH: the SwiftPM build folder (default .build-release: apart from the debug
# build, whose link flags it would otherwise change).
# shellcheck disable=SC2034  # used by the scripts that source this file
release_flags=(-c release --static-swift-stdlib --disable-local-rpath --build-path "${KIOSK_BUILD_PATH:-.build-release}"
    -Xlinker -z -Xlinker now -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
    -Xlinker --no-export-dynamic
    -Xlinker "--symbol-ordering-file=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kioskd.order"
    -Xlinker --no-warn-symbol-ordering)
