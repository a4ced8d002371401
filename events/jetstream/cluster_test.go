package jetstream_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// freePorts are n distinct TCP ports nobody listens on right now: all are
// held open until all are chosen, so none is handed out twice.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// cluster starts three nats-server nodes in this process, routed to each
// other, with JetStream on file storage, and answers a client URL of each.
func cluster(t *testing.T) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	all := freePorts(t, 6)
	ports, clients := all[:3], all[3:]
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	var urls []string
	for i, p := range ports {
		opts := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: clients[i], NoSigs: true, NoLog: true,
			JetStream: true, StoreDir: t.TempDir(), SyncAlways: true,
			Cluster: server.ClusterOpts{Name: "cx", Host: "127.0.0.1", Port: p}, Routes: routes,
		}
		ns, err := server.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		ns.Start()
		t.Cleanup(ns.Shutdown)
		if !ns.ReadyForConnections(10 * time.Second) {
			t.Fatal("a cluster node did not start")
		}
		urls = append(urls, ns.ClientURL())
	}
	return urls
}

// openOn opens a store with three replicas through url, once the cluster
// has a JetStream leader.
func openOn(t *testing.T, url string) *jetstream.Store {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := jetstream.New(ctx, nc, jetstream.WithReplicas(3))
		cancel()
		if err == nil {
			t.Cleanup(st.Close)
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("no JetStream on the cluster: %v", err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func TestOnAThreeNodeClusterOnlyOneOfManyRacingAppendsWins(t *testing.T) {
	urls := cluster(t)
	stores := []*jetstream.Store{openOn(t, urls[0]), openOn(t, urls[1]), openOn(t, urls[2])}
	agg := events.Aggregate{Kind: "initiative", ID: events.NewID()}
	res := mustAppend(t, stores[0], agg, events.ExpectNew(), testEvent(t, agg, "proposed", 1))

	// Writers on every node, all with the same expectation: a replicated
	// stream may answer 10164 rather than 10071, and both are a conflict.
	wins := race(t, 30, agg, events.ExpectSeq(res.LastSeq), stores...)
	if wins != 1 {
		t.Fatalf("%d racing appends won on the cluster, want 1", wins)
	}
	if got := len(ofAggregate(readAll(t, stores[1]), agg)); got != 3 {
		t.Fatalf("the aggregate holds %d events on the cluster, want 3", got)
	}
	// Many aggregates at once go through group commit on the cluster too.
	var wg2 sync.WaitGroup
	for range 40 {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			a := events.Aggregate{Kind: "crew", ID: events.NewID()}
			if _, err := stores[0].Append(context.Background(), a, events.ExpectNew(), testEvents(t, a, 1, 2)...); err != nil {
				t.Errorf("append on the cluster: %v", err)
			}
		}()
	}
	wg2.Wait()
	if got := len(readAll(t, stores[2])); got != 3+80 {
		t.Fatalf("the cluster's log holds %d events, want %d", got, 3+80)
	}
}
