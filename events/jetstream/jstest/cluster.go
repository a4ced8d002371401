package jstest

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"cxtracker/events/jetstream/natscluster"
)

// Cluster is a loopback NATS cluster running in the test's process.
type Cluster struct {
	Nodes   []natscluster.Node
	Servers []*server.Server
}

// URLs are the nodes' client URLs, as --nats-url takes them.
func (c *Cluster) URLs() string { return natscluster.URLs(c.Nodes) }

// Named is the running server of the node with that name, or nil.
func (c *Cluster) Named(name string) *server.Server {
	for i, n := range c.Nodes {
		if n.Name == name {
			return c.Servers[i]
		}
	}
	return nil
}

// StartCluster starts n nodes (natscluster: file storage, fsync before every
// acknowledgement, routes on loopback), each edited by edit when it is not
// nil, waits until their JetStream has a leader, and stops them when the
// test ends. It is skipped in -short runs.
func StartCluster(tb testing.TB, n int, edit func(*natscluster.Node)) *Cluster {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("starts a %d-node NATS cluster", n)
	}
	c := &Cluster{Nodes: loopbackNodes(tb, n)}
	if edit != nil {
		for i := range c.Nodes {
			edit(&c.Nodes[i])
		}
	}
	for _, node := range c.Nodes {
		ns, err := node.Start(c.Nodes, nil)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
		c.Servers = append(c.Servers, ns)
	}
	for _, ns := range c.Servers {
		if err := natscluster.WaitJetStream(ns, 30*time.Second); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// loopbackNodes lays out n nodes named n1, n2, ... on free loopback ports,
// each with a directory of its own.
func loopbackNodes(tb testing.TB, n int) []natscluster.Node {
	tb.Helper()
	ports := freePorts(tb, 2*n)
	nodes := make([]natscluster.Node, n)
	for i := range nodes {
		nodes[i] = natscluster.Node{Name: fmt.Sprintf("n%d", i+1), Client: ports[2*i], Route: ports[2*i+1], Dir: tb.TempDir()}
	}
	return nodes
}

// freePorts are n distinct TCP ports nobody listens on right now: all are
// held open until all are chosen, so none is handed out twice.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
