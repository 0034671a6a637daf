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
# KIOSK_BUILD_PATH: the SwiftPM build folder (default .build-release: apart from the debug
# build, whose link flags it would otherwise change).
# shellcheck disable=SC2034  # used by the scripts that source this file
release_flags=(-c release --static-swift-stdlib --disable-local-rpath --build-path "${KIOSK_BUILD_PATH:-.build-release}"
    -Xlinker -z -Xlinker now -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
    -Xlinker --no-export-dynamic)
