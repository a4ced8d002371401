package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// gate is a read model that holds the projector back on every event after
// the sequence it is armed with, until it is opened: this replica then lags
// behind the log, as one does behind a write made through another replica.
type gate struct {
	after atomic.Uint64
	open  chan struct{}
}

func (g *gate) Name() string { return "gate" }

func (g *gate) Apply(rec events.Record, _ events.Payload) error {
	if a := g.after.Load(); a != 0 && rec.Seq > a {
		<-g.open
	}
	return nil
}

func TestAReadWaitsForXMinSeqInTheLogAndRefusesOnePastIt(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	a := startAPIWith(t, func(d *api.Deps) { d.WaitTimeout = 300 * time.Millisecond }, g)
	opened := false
	defer func() {
		if !opened {
			close(g.open)
		}
	}()
	ctx := context.Background()
	before, err := a.Store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A sequence the log has not reached is a 400 at once, naming the
	// log's last sequence, rather than a wait that ends in 503.
	r := a.Do(http.MethodGet, "/v1/people", nil, "X-Min-Seq", strconv.FormatUint(before+1000, 10))
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "last sequence is "+strconv.FormatUint(before, 10)) {
		t.Fatalf("a read past the log answered %d %s, want 400 naming seq %d", r.Status, r.Body, before)
	}

	// A write in the log that this replica has not applied yet is waited
	// for (here the wait ends in 503, since the replica is held back), not
	// refused as past the log.
	g.after.Store(before)
	id := events.NewID()
	go func() {
		_, _ = a.Engine.Execute(ctx, events.RegisterPerson{PersonID: id, Name: "Late", Email: "late@example.com", Department: "Ops"}, events.Meta{Actor: "t"})
	}()
	seq := before
	for seq == before {
		if seq, err = a.Store.LastSeq(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	want := strconv.FormatUint(seq, 10)
	if r := a.Do(http.MethodGet, "/v1/people", nil, "X-Min-Seq", want); r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a read of a logged but unapplied write answered %d %s, want 503 with Retry-After", r.Status, r.Body)
	}
	close(g.open)
	opened = true
	if r := a.Do(http.MethodGet, "/v1/people", nil, "X-Min-Seq", want); r.Status != http.StatusOK || !strings.Contains(string(r.Body), id) {
		t.Fatalf("the read answered %d without the write: %s", r.Status, r.Body)
	}
}

// projections.Model is what gate must be; this keeps it so.
var _ projections.Model = (*gate)(nil)
