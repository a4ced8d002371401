package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestASignInLinkIsTakenOnceFromAnyStoreAndKeptForFifteenMinutes(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	links, err := jstest.Open(t, srv).SignInLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("ab", 32)
	if kept, err := links.KeepLink(ctx, id, []byte(`{"n":1}`)); !kept || err != nil {
		t.Fatalf("the link was not kept: %v %v", kept, err)
	}
	if kept, err := links.KeepLink(ctx, id, []byte(`{"n":2}`)); kept || err != nil {
		t.Fatalf("a second link under the same id answered %v %v, want false without error", kept, err)
	}
	if _, err := links.KeepLink(ctx, "not-a-hash", nil); !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("a bad id answered %v, want ErrInvalid", err)
	}
	// Another store on the same server, as a second tracker: it reads the
	// link without using it, then takes it, once.
	other, err := jstest.Open(t, srv).SignInLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, found, err := other.Link(ctx, id); err != nil || !found || string(got) != `{"n":1}` {
			t.Fatalf("another store read %q %v %v, want the first link", got, found, err)
		}
	}
	if got, found, err := other.TakeLink(ctx, id); err != nil || !found || string(got) != `{"n":1}` {
		t.Fatalf("taking the link answered %q %v %v", got, found, err)
	}
	for _, s := range []*jetstream.SignInLinks{links, other} {
		if _, found, err := s.TakeLink(ctx, id); found || err != nil {
			t.Fatalf("a used link was taken again: %v %v", found, err)
		}
		if _, found, err := s.Link(ctx, id); found || err != nil {
			t.Fatalf("a used link was read: %v %v", found, err)
		}
	}
	for _, bad := range []string{"", "a.b", strings.Repeat("AB", 32), "*"} {
		if _, found, err := links.TakeLink(ctx, bad); found || err != nil {
			t.Fatalf("id %q answered %v %v, want not found", bad, found, err)
		}
	}

	if ttl, storage := bucketKeeps(t, srv, jetstream.SignInLinksBucket); ttl != 15*time.Minute || storage != natsjs.FileStorage {
		t.Fatalf("the bucket keeps links for %s in %s, want 15m on disk", ttl, storage)
	}
}

// bucketKeeps is how long a bucket of the server keeps its entries, and
// where.
func bucketKeeps(t *testing.T, srv *jetstream.Server, name string) (time.Duration, natsjs.StorageType) {
	t.Helper()
	ctx := context.Background()
	js, err := natsjs.New(jstest.Conn(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := js.KeyValue(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := bucket.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.TTL(), st.(*natsjs.KeyValueBucketStatus).StreamInfo().Config.Storage
}

func TestManyRacingTakersOfOneSignInLinkOnAThreeNodeClusterGetItOnce(t *testing.T) {
	urls := cluster(t)
	ctx := context.Background()
	var links []*jetstream.SignInLinks
	for _, u := range urls {
		l, err := openOn(t, u).SignInLinks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	for round := range 5 {
		id := strings.Repeat(string("0123456789"[round]), 64)
		if kept, err := links[round%3].KeepLink(ctx, id, []byte("link")); !kept || err != nil {
			t.Fatalf("keep: %v %v", kept, err)
		}
		// Every node has the link before the race begins.
		for _, l := range links {
			deadline := time.Now().Add(5 * time.Second)
			for {
				if _, found, _ := l.Link(ctx, id); found {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("a node never saw the link")
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				_, found, err := links[i%3].TakeLink(ctx, id)
				if err != nil {
					t.Errorf("take: %v", err)
				}
				if found {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d racing takers got the link, want 1", round, wins.Load())
		}
	}
}
