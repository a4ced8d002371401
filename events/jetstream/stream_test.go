package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestStreamRefusesDeletesAndPurges(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	st := jstest.Open(t, srv)
	agg := events.Aggregate{Kind: "council", ID: "main"}
	mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 2)...)

	js, err := natsjs.New(jstest.Conn(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stream, err := js.Stream(ctx, jetstream.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.DeleteMsg(ctx, 1); err == nil {
		t.Error("the stream let a message be deleted")
	}
	if err := stream.SecureDeleteMsg(ctx, 2); err == nil {
		t.Error("the stream let a message be erased")
	}
	if err := stream.Purge(ctx); err == nil {
		t.Error("the stream let itself be purged")
	}
	if got := len(readAll(t, st)); got != 2 {
		t.Fatalf("log holds %d events, want 2", got)
	}
}

func TestExistingWeakerStreamIsRefusedWithItsWeaknesses(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	js, err := natsjs.New(jstest.Conn(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	weak := jetstream.StreamConfig(1)
	weak.DenyDelete, weak.DenyPurge, weak.MaxAge, weak.Discard = false, false, 3600e9, natsjs.DiscardOld
	// The server allows async persistence only without atomic publish,
	// which the store can do without.
	weak.PersistMode, weak.AllowAtomicPublish = natsjs.AsyncPersistMode, false
	if _, err := js.CreateStream(context.Background(), weak); err != nil {
		t.Fatal(err)
	}
	_, err = jetstream.New(context.Background(), jstest.Conn(t, srv))
	if !errors.Is(err, jetstream.ErrWeakStream) {
		t.Fatalf("opening a weak stream answered %v, want ErrWeakStream", err)
	}
	for _, want := range []string{"deletes are allowed", "purges are allowed", "expire after 1h0m0s", "old events are discarded", "persist_mode async"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %q", err, want)
		}
	}
}

func TestStreamWithoutAtomicPublishFallsBackToOnePublishPerAppend(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	js, err := natsjs.New(jstest.Conn(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	cfg := jetstream.StreamConfig(1)
	cfg.AllowAtomicPublish = false
	if _, err := js.CreateStream(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	st := jstest.Open(t, srv)
	if st.Atomic() {
		t.Fatal("the store uses atomic batches on a stream that does not allow them")
	}
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	res := mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 3)...)
	if res.FirstSeq != 1 || res.LastSeq != 3 {
		t.Fatalf("append stored at %+v, want 1..3", res)
	}
	var wg sync.WaitGroup
	wins := make(chan struct{}, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Append(context.Background(), agg, events.ExpectSeq(3), testEvent(t, agg, "renamed", 4)); err == nil {
				wins <- struct{}{}
			} else if !errors.Is(err, events.ErrConflict) {
				t.Errorf("append answered %v, want success or a conflict", err)
			}
		}()
	}
	wg.Wait()
	if len(wins) != 1 {
		t.Fatalf("%d racing appends won, want 1", len(wins))
	}
}
