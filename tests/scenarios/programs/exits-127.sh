#!/bin/sh
# Stands for an interpreter that cannot start (a missing shared library, a version manager's
# shim for a version that is not selected): it says why on stderr and exits 127.
echo "python3.99: error while loading shared libraries: libpython3.99.so.1.0: cannot open shared object file: No such file or directory" >&2
exit 127
