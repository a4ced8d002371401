package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

func TestAReadWaitsForXMinSeqThenGivesUp(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) { d.WaitTimeout = 300 * time.Millisecond })
	next := strconv.FormatUint(a.Engine.LastSeq()+1, 10)

	// A read that asks for a write not made yet waits for it.
	got := make(chan Response, 1)
	go func() { got <- a.Do(http.MethodGet, "/v1/people", nil, "X-Min-Seq", next) }()
	time.Sleep(50 * time.Millisecond)
	id := events.NewID()
	if _, err := a.Engine.Execute(context.Background(), events.RegisterPerson{PersonID: id, Name: "Late", Email: "late@example.com", Department: "Ops"}, events.Meta{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Status != http.StatusOK || !strings.Contains(string(r.Body), id) {
		t.Fatalf("the waiting read answered %d without the write: %s", r.Status, r.Body)
	}
	// One that asks for a sequence the log never reaches gives up with 503.
	r := a.Do(http.MethodGet, "/v1/people", nil, "X-Min-Seq", "999999")
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a read past the log answered %d (Retry-After %q), want 503", r.Status, r.Header.Get("Retry-After"))
	}
}
