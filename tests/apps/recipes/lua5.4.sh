# Lua 5.4 from Debian's lua5.4 source package: the `lua` interpreter, static against glibc,
# with the flags of Lua's own `make linux`. Sourced by tests/apps/debian_app.sh in the
# unpacked tree, with OUT and JOBS set.
# Debian's 0002-lua-modules-paths.patch includes this header; debian/rules writes it.
printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
  x86_64-linux-gnu >src/lua5.4-deb-multiarch.h
lua_sources=()
for source in src/*.c; do
  [[ $(basename "$source") == luac.c ]] || lua_sources+=("$source")
done
gcc -static -O2 -Wall -Wextra -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -o "$OUT/lua" "${lua_sources[@]}" -lm -ldl
