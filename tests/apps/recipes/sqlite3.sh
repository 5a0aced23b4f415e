# The SQLite shell from Debian's sqlite3 source package: upstream's own makefile generates the
# amalgamation (sqlite3.c, shell.c; it needs tclsh), compiled static against glibc with the
# default options plus the math functions upstream's configure enables. Sourced by
# tests/apps/debian_app.sh in the unpacked tree, with OUT and JOBS set.
mkdir -p amalgamation
make -C amalgamation -j"$JOBS" -f "$PWD/Makefile.linux-gcc" TOP="$PWD" sqlite3.c shell.c
cflags=(-static -O2 -DSQLITE_ENABLE_MATH_FUNCTIONS -Iamalgamation)
# The two compilations run side by side (sqlite3.c alone takes half a minute).
gcc "${cflags[@]}" -c -o amalgamation/sqlite3.o amalgamation/sqlite3.c &
gcc "${cflags[@]}" -c -o amalgamation/shell.o amalgamation/shell.c
wait $!
# glibc warns that a static dlopen or getpwuid needs its shared libraries at run time; neither
# is used by the tests (no extensions are loaded; the shell only looks for ~/.sqliterc).
gcc -static -o "$OUT/sqlite3" amalgamation/shell.o amalgamation/sqlite3.o -lpthread -ldl -lm
