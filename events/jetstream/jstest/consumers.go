package jstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events/jetstream"
)

// servers is the server each store that Open opened is on, so that a test
// holding only the store can reach the server behind it.
var servers sync.Map

// ExhaustConsumers fills the CX stream under st to its consumer limit, as
// outside readers (each may keep durables) or many clients could: it lowers
// the limit to two above the consumers the stream has, so that the test
// need not make the server's default thousand, then creates durable
// consumers until the server refuses one for the limit.
func ExhaustConsumers(tb testing.TB, st *jetstream.Store) {
	tb.Helper()
	srv, ok := servers.Load(st)
	if !ok {
		tb.Fatal("the store was not opened by jstest.Open")
	}
	ctx := context.Background()
	js, err := natsjs.New(Conn(tb, srv.(*jetstream.Server)))
	if err != nil {
		tb.Fatal(err)
	}
	stream, err := js.Stream(ctx, jetstream.StreamName)
	if err != nil {
		tb.Fatal(err)
	}
	info := stream.CachedInfo()
	cfg := info.Config
	cfg.MaxConsumers = info.State.Consumers + 2
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		tb.Fatalf("lower the stream's consumer limit: %v", err)
	}
	for i := range cfg.MaxConsumers + 1 {
		_, err := js.CreateConsumer(ctx, jetstream.StreamName, natsjs.ConsumerConfig{Durable: fmt.Sprintf("slot%d", i)})
		if errors.Is(err, natsjs.ErrMaximumConsumersLimit) {
			return
		}
		if err != nil {
			tb.Fatalf("durable consumer %d: %v", i, err)
		}
	}
	tb.Fatalf("the server took %d consumers past a limit of %d", cfg.MaxConsumers+1, cfg.MaxConsumers)
}
