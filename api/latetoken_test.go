package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// issueReader issues a service token that may read through a, and answers
// it with the sequence a answered (X-Event-Seq).
func issueReader(t *testing.T, a *testAPI) (token, seq string) {
	t.Helper()
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "reader", "grants": []string{events.GrantActionPrefix + "read"}})
	var tok api.IssuedToken
	issued.JSON(t, &tok)
	seq = issued.Header.Get(api.HeaderEventSeq)
	if tok.Token == "" || seq == "" {
		t.Fatalf("issuing a token answered no token or no %s: %v %s", api.HeaderEventSeq, issued.Header, issued.Body)
	}
	return tok.Token, seq
}

func TestATokenIssuedOnAnotherReplicaWaitsForXMinSeqInsteadOfA401(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	before, err := a.Store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Replica b is held back, every read model of it, from anything
	// written after now.
	g := &gate{open: make(chan struct{})}
	g.after.Store(before)
	opened := false
	defer func() {
		if !opened {
			close(g.open)
		}
	}()
	b, _, _ := serve(t, a.Store.(*jetstream.Store), replicaOptions{lead: []projections.Model{g}}, func(d *api.Deps) { d.WaitTimeout = 300 * time.Millisecond })
	b.Admin = a.Admin
	b.loadContract()

	token, seq := issueReader(t, a)
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, ""); r.Status != http.StatusUnauthorized {
		t.Fatalf("a token b has not applied, without X-Min-Seq, answered %d %s, want 401", r.Status, r.Body)
	}
	// With X-Min-Seq the request waits for the token's event: here the wait
	// ends in a 503 to retry, since b is held back, rather than a 401.
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, seq); r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a token issued at seq %s, not applied yet, answered %d %s, want 503 with Retry-After", seq, r.Status, r.Body)
	}
	// A sequence past the log tells an unknown caller nothing about it.
	past, _ := strconv.ParseUint(seq, 10, 64)
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, strconv.FormatUint(past+1000, 10)); r.Status != http.StatusUnauthorized {
		t.Fatalf("an unknown token with X-Min-Seq past the log answered %d %s, want 401", r.Status, r.Body)
	}
	close(g.open)
	opened = true
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, seq); r.Status != http.StatusOK {
		t.Fatalf("the token, once b may apply it, answered %d %s, want 200", r.Status, r.Body)
	}
}

func TestATokenWhoseHashTheWatchHasNotDeliveredIsLookedUpWithXMinSeq(t *testing.T) {
	a := startAPI(t)
	// Replica b follows the log but not the credential bucket: every hash
	// is still on its way to it.
	b, _, _ := serve(t, a.Store.(*jetstream.Store), replicaOptions{unfollowed: true}, nil)
	b.loadContract()
	token, seq := issueReader(t, a)
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, ""); r.Status != http.StatusUnauthorized {
		t.Fatalf("a token whose hash has not arrived answered %d %s without X-Min-Seq, want 401", r.Status, r.Body)
	}
	if r := b.DoAs(token, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, seq); r.Status != http.StatusOK {
		t.Fatalf("a token issued at seq %s answered %d %s with X-Min-Seq, want 200", seq, r.Status, r.Body)
	}
}
