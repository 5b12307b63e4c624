#!/bin/sh
# Cuts the services' root file system out of the runtime image: the shared libraries the jlinked
# Java runtime and bash link against (as ldd resolves them here, so they match each other), the
# loader, libgcc_s (which glibc opens at thread exit), bash for the healthcheck, an unprivileged
# user and /tmp. Uses only sh, ldd and cp, which every glibc image has: no package manager.
set -eu
root=$1
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/opt/hwaas" "$root/var/lib/hwaas/ledger"
chmod 1777 "$root/tmp"
cp -a /opt/hwaas/jre "$root/opt/hwaas/jre"
bash_path=$(command -v bash)
cp -L "$bash_path" "$root/bin/bash"
ln -s bash "$root/bin/sh"

# The jlinked runtime's own directories come first: an image that registers its own JDK with the
# loader (the official eclipse-temurin images do, in /etc/ld.so.conf.d) would otherwise resolve
# libjvm.so and friends to that JDK's copies, and a second, unused libjvm would be shipped. What
# resolves inside /opt/hwaas/jre is there already.
jre_dirs=/opt/hwaas/jre/lib:/opt/hwaas/jre/lib/server
libs=$(for f in /opt/hwaas/jre/bin/java /opt/hwaas/jre/lib/*.so /opt/hwaas/jre/lib/server/libjvm.so "$bash_path"; do
  LD_LIBRARY_PATH=$jre_dirs ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | grep -v '^/opt/hwaas/jre/' | sort -u)
gcc_s=$(ldconfig -p 2>/dev/null | awk '$1 == "libgcc_s.so.1" && $NF ~ /^\// {print $NF; exit}')
if [ -n "$gcc_s" ]; then
  libs="$libs $gcc_s"
fi
missing=$(for f in /opt/hwaas/jre/bin/java /opt/hwaas/jre/lib/server/libjvm.so; do
  LD_LIBRARY_PATH=$jre_dirs ldd "$f" | grep 'not found' || true
done)
if [ -n "$missing" ]; then
  echo "userland: the runtime image lacks libraries the Java runtime needs:" >&2
  echo "$missing" >&2
  exit 1
fi
for lib in $libs; do
  # Keep the path the loader and RUNPATHs expect, but copy the file behind any symlink.
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

printf 'root:x:0:0:root:/root:/sbin/nologin\nhwaas:x:10001:10001:hwaas:/tmp:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nhwaas:x:10001:\n' >"$root/etc/group"
echo "userland: $(echo "$libs" | wc -w) libraries"
