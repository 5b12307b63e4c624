#!/bin/sh
# Lays out what the service images need, in the build stage:
#   $out/jre                  a Java runtime cut down by jlink to the modules the services use
#   $out/<service>/lib        the service jar and its runtime classpath
#   $out/<service>/jvm.args   the JVM flags and class path the entrypoint passes as @argfile
#   $out/<service>/train.args the same flags, plus the option that writes the CDS / AOT cache
# The JVM flags differ per service: clients are tuned for memory and start-up, workers for
# throughput (a C1-only worker drains a third as fast).
set -eu
src=$1
out=$2
mkdir -p "$out"

feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
echo "assemble: JDK $feature"

for svc in worker client; do
  mkdir -p "$out/$svc/lib"
  cp "$src/hw-$svc/target/lib/"*.jar "$src/hw-$svc/target/hw-$svc-"*.jar "$out/$svc/lib/"
done

# Modules the code needs, plus those it reaches only by reflection or at run time:
# jdk.management for process CPU metrics, jdk.crypto.ec for TLS with EC certificates (JDK < 22).
# java.desktop and java.sql are optional for Jackson (requires static) and unused here; leaving
# them out saves a fifth of the runtime.
modules=$(jdeps --ignore-missing-deps --print-module-deps --multi-release "$feature" \
  --class-path "$(ls "$out"/worker/lib/*.jar "$out"/client/lib/*.jar | tr '\n' ':')" \
  "$out"/worker/lib/hw-worker-*.jar "$out"/client/lib/hw-client-*.jar \
  | tr ',' '\n' | grep -vx -e java.desktop -e java.sql | tr '\n' ',')
modules="${modules}jdk.management,jdk.unsupported"
if java --list-modules | grep -q '^jdk.crypto.ec@'; then
  modules="$modules,jdk.crypto.ec"
fi
echo "assemble: jlink $modules"
if [ "$feature" -ge 21 ]; then compress=zip-6; else compress=2; fi
# --strip-debug would also strip native symbols, which needs objcopy; build images rarely have it.
# JDK 25's AOT cache holds the JDK's classes too; older JDKs layer the app's CDS archive on a base one.
if [ "$feature" -ge 25 ]; then cds=""; else cds="--generate-cds-archive"; fi
jlink --add-modules "$modules" --strip-java-debug-attributes --no-man-pages --no-header-files --compress="$compress" \
  $cds --output "$out/jre"

# Flags for newer JDKs only; older JVMs refuse unknown -XX options. Compact object headers shrink
# every object; the native-heap trim hands freed malloc memory back to the OS.
newer=""
if [ "$feature" -ge 22 ]; then newer="$newer -XX:TrimNativeHeapInterval=5000"; fi
if [ "$feature" -ge 24 ]; then newer="$newer -XX:+UseCompactObjectHeaders"; fi

for svc in worker client; do
  dir=/opt/hwaas/$svc
  classpath=$(cd "$out/$svc/lib" && ls | sort | sed "s|^|$dir/lib/|" | tr '\n' ':' | sed 's/:$//')
  if [ "$svc" = client ]; then
    # A client does a few microseconds of work a second per logical client: a small heap, and C1
    # alone, which makes a packed container's hundreds of ticks a second several times cheaper
    # than the interpreter, without C2's compile threads and memory.
    flags="-XX:+UseSerialGC -Xms4m -Xmx32m -Xss256k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=8m
-XX:MaxMetaspaceSize=48m -XX:MaxDirectMemorySize=4m"
  else
    # A worker drains thousands a second: full tiered compilation, a heap with room for batches.
    flags="-XX:+UseSerialGC -Xms8m -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m
-XX:MaxDirectMemorySize=16m"
  fi
  # ArchiveRelocationMode=0 maps the CDS / AOT cache where it was dumped instead of at a random
  # address: relocating it writes every page, turning ~12 MB of shared file pages into private memory.
  # -Xlog: the JVM's own warnings go to stderr, never into the hello lines on stdout.
  flags="$flags -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions
-XX:ArchiveRelocationMode=0 -Xlog:disable -Xlog:all=warning:stderr $newer"
  if [ "$feature" -ge 25 ]; then
    cache="-XX:AOTCache=$dir/app.aot"
    record="-XX:AOTCacheOutput=$dir/app.aot"
  else
    cache="-XX:SharedArchiveFile=$dir/app.jsa -Xshare:auto"
    record="-XX:ArchiveClassesAtExit=$dir/app.jsa"
  fi
  printf '%s\n%s\n-cp\n%s\n' "$flags" "$cache" "$classpath" >"$out/$svc/jvm.args"
  printf '%s\n%s\n-cp\n%s\nio.hwaas.%s.Main\ntrain\n' "$flags" "$record" "$classpath" "$svc" >"$out/$svc/train.args"
  echo "$feature" >"$out/$svc/java.version"
done
