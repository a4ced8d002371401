package jetstream_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// cluster starts three nats-server nodes in this process, routed to each
// other, with JetStream on file storage, and answers a client URL of each.
func cluster(t *testing.T) []string {
	t.Helper()
	c := jstest.StartCluster(t, 3, nil)
	var urls []string
	for _, n := range c.Nodes {
		urls = append(urls, n.URL())
	}
	return urls
}

// openOn opens a store with three replicas (unless opts say otherwise)
// through url, once the cluster has a JetStream leader.
func openOn(t *testing.T, url string, opts ...jetstream.Option) *jetstream.Store {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := jetstream.New(ctx, nc, append([]jetstream.Option{jetstream.WithReplicas(3)}, opts...)...)
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

// The buckets beside the log have as many replicas as the CX stream,
// whatever the start that made them was told: a checkpoint, like the log,
// must outlive a lost node, so that every replica can load it.
func TestOnAClusterTheBucketsHaveTheStreamsReplicasWhateverTheStartSays(t *testing.T) {
	ctx := context.Background()
	urls := cluster(t)
	openOn(t, urls[0]) // the CX stream, with three replicas
	nc, err := nats.Connect(urls[1])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, _ := natsjs.New(nc)
	// One made with a single replica, by an older start say.
	if _, err := js.CreateObjectStore(ctx, natsjs.ObjectStoreConfig{Bucket: jetstream.CheckpointsBucket, Storage: natsjs.FileStorage, Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	told1 := openOn(t, urls[1], jetstream.WithReplicas(1))
	replicas := func() int {
		t.Helper()
		obs, err := js.ObjectStore(ctx, jetstream.CheckpointsBucket)
		if err != nil {
			t.Fatal(err)
		}
		st, err := obs.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.Replicas()
	}
	if _, err := told1.Checkpoints(ctx); err != nil {
		t.Fatal(err)
	}
	if n := replicas(); n != 3 {
		t.Fatalf("the checkpoint bucket found with 1 replica has %d after a start, want the stream's 3", n)
	}
	if err := js.DeleteObjectStore(ctx, jetstream.CheckpointsBucket); err != nil {
		t.Fatal(err)
	}
	if _, err := told1.Checkpoints(ctx); err != nil {
		t.Fatal(err)
	}
	if n := replicas(); n != 3 {
		t.Fatalf("a start told --replicas 1 made the checkpoint bucket with %d replicas, want the stream's 3", n)
	}
	if _, err := told1.Credentials(ctx); err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, jetstream.CredentialsBucket)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := kv.Status(ctx); err != nil || st.(*natsjs.KeyValueBucketStatus).StreamInfo().Config.Replicas != 3 {
		t.Fatalf("a start told --replicas 1 made the credentials bucket: %+v %v, want the stream's 3 replicas", st, err)
	}
}

// A follower whose consumer lived on a node killed outright (nothing tells
// the client) follows on with a fresh consumer and misses nothing, in order.
func TestAFollowerWhoseConsumersNodeIsKilledFollowsOnAndMissesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := jstest.StartProcessCluster(t, 3)
	st := openOn(t, c.URLs())
	got := make(chan uint64, 100)
	followed := make(chan error, 1)
	go func() {
		followed <- st.Follow(ctx, events.FromSeq(1), func(r events.Record) error { got <- r.Seq; return nil })
	}()
	// appendNew appends one event to a new aggregate, again while the
	// cluster elects leaders (a retry of a stored append is no conflict).
	appendNew := func() {
		t.Helper()
		agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
		ev := testEvent(t, agg, "formed", 1)
		deadline := time.Now().Add(time.Minute)
		for {
			_, err := st.Append(ctx, agg, events.ExpectNew(), ev)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("append after the node was killed: %v", err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// receive takes sequences from to to, in order, from the follower.
	receive := func(from, to uint64, when string) {
		t.Helper()
		timeout := time.After(time.Minute)
		for want := from; want <= to; want++ {
			select {
			case seq := <-got:
				if seq != want {
					t.Fatalf("%s the follower got seq %d, want %d", when, seq, want)
				}
			case err := <-followed:
				t.Fatalf("%s the follow ended: %v", when, err)
			case <-timeout:
				t.Fatalf("%s the follower did not get seq %d within a minute", when, want)
			}
		}
	}
	appendNew()
	appendNew()
	receive(1, 2, "before a node was killed")

	nc, err := nats.Connect(c.URLs())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := natsjs.New(nc)
	stream, err := js.Stream(ctx, jetstream.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	var host string
	for info := range stream.ListConsumers(ctx).Info() {
		if info.Cluster != nil && info.Cluster.Leader != "" {
			host = info.Cluster.Leader
		}
	}
	if host == "" {
		t.Fatal("the follower's consumer has no leader")
	}
	// The stream's leader moves to that node too, so that the kill loses
	// both: the consumer and the stream's leader, as a crash of the busiest
	// node does.
	req, _ := json.Marshal(map[string]any{"placement": map[string]string{"preferred": host}})
	for i := 0; ; i++ {
		info, err := stream.Info(ctx)
		if err == nil && info.Cluster != nil && info.Cluster.Leader == host {
			break
		}
		if i == 50 {
			t.Fatalf("the CX stream's leader did not move to %s: %+v %v", host, info, err)
		}
		if i%10 == 0 {
			if _, err := nc.Request("$JS.API.STREAM.LEADER.STEPDOWN."+jetstream.StreamName, req, 5*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.Kill(t, host)
	for range 3 {
		appendNew()
	}
	receive(3, 5, "after node "+host+", which held its consumer, was killed")
}
