#!/bin/bash
# CPU used over a window, read where the containers run (the Docker host or a Mac's Docker VM):
# bench/run starts this in a container with the host's PID namespace and cgroup tree, and only
# bash's builtins, so it needs no tool in the image and costs almost nothing itself.
#   cpu-sample.sh SECONDS
# Prints, for the window: "host BUSY TOTAL" in clock ticks from /proc/stat (all CPUs; idle and
# iowait are not busy), "ctr ID NANOSECONDS" per running container from its cgroup, and
# "proc NAME TICKS" for the Docker daemon, containerd and the containerd shims together.
set -euo pipefail
window=${1:?usage: cpu-sample.sh SECONDS}
[[ "$window" =~ ^[0-9]+$ ]] || { echo "cpu-sample.sh: SECONDS must be a whole number, not '$window'" >&2; exit 2; }

declare -A ctr proc
host_busy=0 host_total=0

host() {
  local user nice system idle iowait irq softirq steal
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  host_busy=$((user + nice + system + irq + softirq + steal))
  host_total=$((host_busy + idle + iowait))
}

# cgroup v1 (cpuacct, nanoseconds) or v2 (cpu.stat usage_usec), with either cgroup driver.
containers() {
  local f id value key
  for f in /sys/fs/cgroup/cpuacct/docker/*/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/docker/*/cpuacct.usage; do
    [[ -f "$f" ]] || continue
    id=${f%/cpuacct.usage}; id=${id##*/}
    read -r value <"$f"
    ctr[$id]=$value
  done
  for f in /sys/fs/cgroup/docker/*/cpu.stat /sys/fs/cgroup/system.slice/docker-*.scope/cpu.stat; do
    [[ -f "$f" ]] || continue
    id=${f%/cpu.stat}; id=${id##*/}; id=${id#docker-}; id=${id%.scope}
    while read -r key value; do
      [[ "$key" == usage_usec ]] && ctr[$id]=$((value * 1000))
    done <"$f"
  done
}

# utime + stime (fields 14 and 15) of the Docker engine's own processes, summed by name.
processes() {
  local dir name stat fields
  proc=([dockerd]=0 [containerd]=0 [containerd-shim]=0)
  for dir in /proc/[0-9]*; do
    read -r name <"$dir/comm" 2>/dev/null || continue
    case "$name" in
      dockerd | containerd) ;;
      containerd-shim*) name=containerd-shim ;;
      *) continue ;;
    esac
    read -r stat <"$dir/stat" 2>/dev/null || continue
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    proc[$name]=$((proc[$name] + fields[11] + fields[12]))
  done
}

host; containers; processes
declare -A ctr0 proc0
for k in "${!ctr[@]}"; do ctr0[$k]=${ctr[$k]}; done
for k in "${!proc[@]}"; do proc0[$k]=${proc[$k]}; done
busy0=$host_busy total0=$host_total

# Sleep without a sleep binary: a read that times out on a pipe nobody writes to.
exec 3<> <(:)
read -r -t "$window" -u 3 _ || true

host; containers; processes
echo "host $((host_busy - busy0)) $((host_total - total0))"
for k in "${!ctr[@]}"; do
  [[ -n "${ctr0[$k]:-}" ]] && echo "ctr $k $((ctr[$k] - ctr0[$k]))"
done
for k in "${!proc[@]}"; do echo "proc $k $((proc[$k] - proc0[$k]))"; done
