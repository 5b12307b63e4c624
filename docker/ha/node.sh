#!/bin/sh
# One Redis node of the highly available profile (docker-compose.ha.yml). Whether it starts as
# the primary or as a replica is decided at every start by asking who the primary is now, first
# the Sentinels, then the other nodes: a node that crashed and came back after a failover must
# not come back as a second primary. Only when nobody knows (the very first start) is the first
# of HWAAS_NODES the primary. Sentinel manages the roles from then on. Kubernetes runs the same
# script (deploy/k8s/overlays/sentinel-redis), with host names for nodes and Sentinels.
set -eu
me=$HWAAS_NODE
auth() { REDISCLI_AUTH="$HWAAS_REDIS_PASSWORD" redis-cli --no-auth-warning "$@" 2>/dev/null; }

touch /data/.writable 2>/dev/null && rm -f /data/.writable || {
  echo "hwaas: /data is not writable by uid $(id -u): the Redis image must run redis-server as uid 999 with /data owned by it, as the official redis image does" >&2
  exit 1
}

primary=""
for sentinel in $HWAAS_SENTINELS; do
  primary=$(auth -h "$sentinel" -p 26379 SENTINEL get-master-addr-by-name hwaas | head -n 1)
  [ -n "$primary" ] && break
done
if [ -z "$primary" ]; then
  for node in $HWAAS_NODES; do
    [ "$node" = "$me" ] && continue
    if [ "$(auth -h "$node" ROLE | head -n 1)" = master ]; then
      primary=$node
      break
    fi
  done
fi
[ -n "$primary" ] || primary=${HWAAS_NODES%% *}

set -- --dir /data --appendonly yes --appendfsync everysec \
  --maxmemory "$HWAAS_REDIS_MAXMEMORY" --maxmemory-policy noeviction --proto-max-bulk-len 1mb \
  --requirepass "$HWAAS_REDIS_PASSWORD" --masterauth "$HWAAS_REDIS_PASSWORD" \
  --replica-announce-ip "$me" \
  --min-replicas-to-write 1 --min-replicas-max-lag 10
if [ "$primary" != "$me" ]; then
  echo "hwaas: $me starts as a replica of $primary" >&2
  set -- "$@" --replicaof "$primary" 6379
else
  echo "hwaas: $me starts as the primary" >&2
fi
exec redis-server "$@"
