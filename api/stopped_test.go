package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/projections"
)

// TestAWriteAnswers503AtOnceWhenTheProjectorHasStopped serves writes
// through an Engine whose projector follows the log on a connection of its
// own, then closes that connection: the projector stops, and a write (whose
// append still succeeds) must answer 503 at once instead of waiting for a
// projector that will never apply it.
func TestAWriteAnswers503AtOnceWhenTheProjectorHasStopped(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	writes := jstest.Open(t, srv)
	follows := jstest.Conn(t, srv)
	followStore, err := jetstream.New(ctx, follows)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(followStore.Close)
	engine, err := events.NewEngine(writes)
	if err != nil {
		t.Fatal(err)
	}
	proj := projections.NewProjector(followStore, engine, nil, projections.NewViews().Models()...)
	stopped := make(chan error, 1)
	go func() { stopped <- proj.Run(ctx) }()
	if err := proj.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	follows.Close()
	if err := <-stopped; err == nil || proj.Ready() == nil {
		t.Fatalf("the projector did not stop when its connection closed (Run: %v)", err)
	}

	// The request timeout is far longer than the test's bound on the
	// answer, so a write that waits for the stopped projector until the
	// request times out is no answer at all here.
	a := startAPIWith(t, func(d *api.Deps) {
		d.Engine, d.Projector = engine, proj
		l := api.DefaultLimits()
		l.RequestTimeout = time.Hour
		d.Limits = &l
		d.WaitTimeout = time.Hour
	})
	r := a.doWithin(time.Minute, http.MethodPost, "/v1/people",
		map[string]any{"name": "Ana", "email": "ana@example.com", "department": "Ops"})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a write with the projector stopped answered %d %s, want 503 with Retry-After at once", r.Status, r.Body)
	}
}
