#!/bin/sh
# One Sentinel of the highly available profile (docker-compose.ha.yml). Its configuration is
# written afresh at every start, monitoring whichever node is the primary now (asked of the
# other Sentinels, then of the nodes), so a Sentinel that restarts with no memory never points
# at a node that has been demoted since. Sentinel rewrites the file as roles change.
set -eu
me=$HWAAS_SENTINEL
conf=/tmp/sentinel.conf
auth() { REDISCLI_AUTH="$HWAAS_REDIS_PASSWORD" redis-cli --no-auth-warning "$@" 2>/dev/null; }

primary=""
for sentinel in $HWAAS_SENTINELS; do
  [ "$sentinel" = "$me" ] && continue
  primary=$(auth -h "$sentinel" -p 26379 SENTINEL get-master-addr-by-name hwaas | head -n 1)
  [ -n "$primary" ] && break
done
if [ -z "$primary" ]; then
  for node in $HWAAS_NODES; do
    if [ "$(auth -h "$node" ROLE | head -n 1)" = master ]; then
      primary=$node
      break
    fi
  done
fi
[ -n "$primary" ] || primary=${HWAAS_NODES%% *}

# Quorum 2 of 3. A primary silent for 1.5 s is down; a failover takes a few seconds more, which
# keeps the time from losing a primary to printing again under 10 s.
cat >"$conf" <<CONF
port 26379
dir /tmp
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $me
requirepass $HWAAS_REDIS_PASSWORD
sentinel sentinel-pass $HWAAS_REDIS_PASSWORD
sentinel monitor hwaas $primary 6379 2
sentinel auth-pass hwaas $HWAAS_REDIS_PASSWORD
sentinel down-after-milliseconds hwaas 1500
sentinel failover-timeout hwaas 10000
sentinel parallel-syncs hwaas 1
CONF
echo "hwaas: $me monitors $primary" >&2
exec redis-server "$conf" --sentinel
