#!/bin/sh
# Used by command_args.toml: exits 0 (and reports checksum=5) only when the placeholders were
# substituted inside single arguments and the working directory is this file's folder.
ok=yes
[ "$#" -eq 4 ] || ok=no
[ "$1" = "a b" ] || ok=no
[ "$2" = "x2y" ] || ok=no
[ "$3" = "{literal}" ] || ok=no
case "$4" in
    0.5/true/3/echo/args/script | 0.5/true/3/echo/args/via-sh) ;;
    *) ok=no ;;
esac
[ -f command_args.toml ] || ok=no
if [ "$ok" = yes ]; then
    echo "all good"
    echo "checksum=5"
else
    printf 'bad arguments (%s):' "$#" >&2
    printf ' [%s]' "$@" >&2
    printf ' in %s\n' "$(pwd)" >&2
    exit 1
fi
