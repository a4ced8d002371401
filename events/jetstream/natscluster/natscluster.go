// Package natscluster runs nats-server nodes routed into one cluster on the
// loopback interface, each with JetStream on file storage that fsyncs every
// write before acknowledging it (sync_interval: always). It is the cluster
// scripts/cluster.sh starts (one cmd/cxnode process a node) and the one the
// tests start in process: a real cluster for development and tests, not a
// production set-up (no TLS, no passwords, loopback only).
package natscluster

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Name is the cluster's name.
const Name = "cx"

// Node is one node of a loopback cluster.
type Node struct {
	// Name names the node in the cluster and in a stream's replica list.
	Name string
	// Client and Route are its client and route ports on 127.0.0.1.
	Client, Route int
	// Dir holds its JetStream files.
	Dir string
	// NoSync leaves sync_interval at the server's default (an fsync every
	// two minutes, so an acknowledged write can be lost to a power cut). It
	// exists for the test that the tracker warns of such a node.
	NoSync bool
}

// URL is the node's client URL.
func (n Node) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.Client) }

// URLs are the nodes' client URLs joined by commas, as --nats-url takes them.
func URLs(nodes []Node) string {
	urls := make([]string, len(nodes))
	for i, n := range nodes {
		urls[i] = n.URL()
	}
	return strings.Join(urls, ",")
}

// Config is the node's nats-server configuration file, routed to every
// peer's route port (its own among them, which the server skips).
//
// A client that sends no credentials is the user "cx" of the account CX,
// which has JetStream. The system account SYS exports its servers' varz
// (`$SYS.REQ.SERVER.PING.VARZ`) to CX, so that a client can confirm that
// every node fsyncs before it acknowledges: sync_always in each node's
// JetStream configuration.
func (n Node) Config(peers []Node) string {
	routes := make([]string, len(peers))
	for i, p := range peers {
		routes[i] = fmt.Sprintf("nats-route://127.0.0.1:%d", p.Route)
	}
	sync := "sync_interval: always"
	if n.NoSync {
		sync = ""
	}
	return fmt.Sprintf(`server_name: %q
listen: "127.0.0.1:%d"
jetstream { store_dir: %q, %s }
cluster { name: %q, listen: "127.0.0.1:%d", routes: [%s] }
accounts {
  SYS: { exports: [ { service: "$SYS.REQ.SERVER.PING.VARZ", response: stream } ] }
  CX: {
    jetstream: enabled
    users: [ { user: "cx", password: "cx" } ]
    imports: [ { service: { account: SYS, subject: "$SYS.REQ.SERVER.PING.VARZ" } } ]
  }
}
system_account: SYS
no_auth_user: "cx"
`, n.Name, n.Client, n.Dir, sync, Name, n.Route, strings.Join(routes, ", "))
}

// Start starts the node in this process and returns once it takes clients;
// logger (nil: none) receives the server's log.
func (n Node) Start(peers []Node, logger server.Logger) (*server.Server, error) {
	opts := &server.Options{}
	if err := opts.ProcessConfigString(n.Config(peers)); err != nil {
		return nil, fmt.Errorf("node %s: configuration: %w", n.Name, err)
	}
	opts.NoSigs, opts.NoLog = true, logger == nil
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.Name, err)
	}
	if logger != nil {
		ns.SetLoggerV2(logger, false, false, false)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("node %s did not take clients within 30s", n.Name)
	}
	return ns, nil
}

// ErrNoQuorum says the cluster's JetStream, or a stream this node holds,
// had no leader in time: fewer than a majority of the nodes are up.
var ErrNoQuorum = errors.New("the cluster's JetStream has no leader: are most of its nodes up?")

// WaitJetStream waits until the node's JetStream has a leader, the node is
// current with it, and every stream and consumer the node holds (after a
// restart, those on its disk) is current too (the server's health check), so
// that a client can create or open streams through any node.
func WaitJetStream(ns *server.Server, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		health := ns.Healthz(&server.HealthzOptions{})
		if ns.JetStreamIsCurrent() && health.Status == "ok" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node %s: %w (%s)", ns.Name(), ErrNoQuorum, health.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
