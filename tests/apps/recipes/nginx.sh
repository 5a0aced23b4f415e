# nginx from Debian's nginx source package, static against glibc with PCRE2 and zlib (Debian's
# libpcre2-dev and zlib1g-dev ship the static libraries), the default modules only: no TLS,
# no HTTP/2, no dynamic modules. Paths are given at run time (-p, -c, -e).
# Sourced by tests/apps/debian_app.sh in the unpacked tree, with OUT and JOBS set.
./configure --prefix=/nginx --with-cc-opt='-O2' --with-ld-opt=-static \
  --http-client-body-temp-path=/tmp/nginx-client-body \
  --http-proxy-temp-path=/tmp/nginx-proxy \
  --http-fastcgi-temp-path=/tmp/nginx-fastcgi \
  --http-uwsgi-temp-path=/tmp/nginx-uwsgi \
  --http-scgi-temp-path=/tmp/nginx-scgi
make -j"$JOBS"
cp objs/nginx "$OUT/"
