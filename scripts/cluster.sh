#!/usr/bin/env bash
# Starts a three-node NATS cluster on 127.0.0.1 and two tracker replicas on
# it, prints how to reach them, and stops everything on Ctrl-C: the
# replicas first (each takes its shutdown checkpoint), then the nodes.
#
# Each node is cmd/cxnode: nats-server from this project's module, JetStream
# on file storage with sync_interval: always (an fsync before every
# acknowledgement), routes and clients on loopback only. The replicas run
# `cxtracker serve --nats-url <the three nodes> --replicas 3`, so the CX
# stream and the buckets beside it live on all three nodes. A development
# set-up: no TLS and no passwords, which is why it listens on loopback only.
#
#   scripts/cluster.sh                      # data under ./cxcluster
#   CLUSTER_DIR=/tmp/cx scripts/cluster.sh  # elsewhere; a second run reuses it
#   NATS_PORT=14222 ROUTE_PORT=16222 HTTP_PORT=8081 scripts/cluster.sh
#
# Node n<i> takes client port NATS_PORT+i-1 and route port ROUTE_PORT+i-1;
# replica r<j> serves HTTP on HTTP_PORT+j-1.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CLUSTER_DIR:-cxcluster}
nats_port=${NATS_PORT:-14222}
route_port=${ROUTE_PORT:-16222}
http_port=${HTTP_PORT:-8081}

# Job control: each background process gets its own process group, so
# Ctrl-C reaches this script alone, which then stops them in order.
set -m

mkdir -p "$dir/bin"
echo "== building cmd/cxnode and cmd/cxtracker into $dir/bin"
go build -o "$dir/bin/cxnode" ./cmd/cxnode
go build -o "$dir/bin/cxtracker" ./cmd/cxtracker

nodes=() trackers=()

# stop ends the replicas, then the nodes, each with SIGTERM, waiting for
# every one to exit.
stopped=""
stop() {
	[ -n "$stopped" ] && return
	stopped=1
	trap - INT TERM
	echo
	echo "== stopping the replicas, then the nodes"
	for pid in "${trackers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${trackers[@]}"; do wait "$pid" 2>/dev/null || true; done
	for pid in "${nodes[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${nodes[@]}"; do wait "$pid" 2>/dev/null || true; done
	echo "== stopped; the data stays under $dir (a second run starts on it)"
}
trap stop EXIT
trap 'exit 130' INT TERM

# await waits until the log file $2 of process $1 holds a line matching $3,
# and fails naming the log when the process ends first or a minute passes.
await() {
	local pid=$1 log=$2 pattern=$3
	for _ in $(seq 600); do
		if grep -q "$pattern" "$log" 2>/dev/null; then return 0; fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$log: the process ended:" >&2
			tail -n 20 "$log" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "$log: not ready within a minute:" >&2
	tail -n 20 "$log" >&2
	exit 1
}

routes="" urls=""
for i in 1 2 3; do
	routes+="${routes:+,}$((route_port + i - 1))"
	urls+="${urls:+,}nats://127.0.0.1:$((nats_port + i - 1))"
done

echo "== starting NATS nodes n1, n2, n3"
for i in 1 2 3; do
	mkdir -p "$dir/n$i"
	"$dir/bin/cxnode" --name "n$i" --client $((nats_port + i - 1)) --route $((route_port + i - 1)) \
		--peers "$routes" --dir "$dir/n$i" >"$dir/n$i.log" 2>&1 &
	nodes+=($!)
done
for i in 1 2 3; do await "${nodes[i - 1]}" "$dir/n$i.log" "node n$i ready"; done

# The first replica issues the admin token on a new log; the second starts
# once it has, so that it finds one and writes none.
echo "== starting tracker replicas r1, r2"
for j in 1 2; do
	"$dir/bin/cxtracker" serve --data "$dir/r$j" --http "127.0.0.1:$((http_port + j - 1))" \
		--nats-url "$urls" --replicas 3 >"$dir/r$j.log" 2>&1 &
	trackers+=($!)
	await "${trackers[j - 1]}" "$dir/r$j.log" "cxtracker serving"
done

warned=$(grep -h "cannot confirm" "$dir"/r?.log || true)
cat <<EOF

The cluster is up; everything is under $dir.

  NATS nodes    $urls
                n1 pid ${nodes[0]}, n2 pid ${nodes[1]}, n3 pid ${nodes[2]}; logs $dir/n1.log ...
  replica r1    http://127.0.0.1:$http_port/  (API and dashboard; log $dir/r1.log)
  replica r2    http://127.0.0.1:$((http_port + 1))/  (log $dir/r2.log)
  admin token   $dir/r1/admin.token (works on both replicas)
  fsync         ${warned:-every node confirmed it fsyncs each write before acknowledging it}

Try:
  curl -H "Authorization: Bearer \$(cat $dir/r1/admin.token)" http://127.0.0.1:$http_port/v1/audit/digest
  curl -H "Authorization: Bearer \$(cat $dir/r1/admin.token)" http://127.0.0.1:$((http_port + 1))/v1/audit/digest
  kill -9 ${nodes[0]}    # lose node n1: both replicas go on with the other two
A write answers X-Event-Seq; send it as X-Min-Seq to read it on the other replica.

Ctrl-C stops the replicas, then the nodes.
EOF

# Wait until Ctrl-C, or until a replica ends by itself. A node may be lost
# (that is what the cluster is for): it is reported once.
lost=""
while true; do
	for pid in "${trackers[@]}"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "replica pid $pid ended by itself; see $dir/r1.log and $dir/r2.log" >&2
			exit 1
		fi
	done
	for i in 1 2 3; do
		if [[ $lost != *n$i* ]] && ! kill -0 "${nodes[i - 1]}" 2>/dev/null; then
			lost+=" n$i"
			echo "node n$i is gone; the replicas go on while two of the three nodes are up"
		fi
	done
	sleep 1 &
	wait $! || true
done
