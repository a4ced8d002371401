package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// replica is a second API, with its own engine and read models, over the
// same log and buckets as a: another replica of the tracker, or the same
// one after a restart.
func (a *testAPI) replica(t *testing.T) *testAPI {
	t.Helper()
	b, _, proj := serveOn(t, a.Store.(*jetstream.Store), nil)
	if err := proj.WaitFor(context.Background(), a.Engine.LastSeq()); err != nil {
		t.Fatal(err)
	}
	b.Admin = a.Admin
	b.loadContract()
	return b
}

// doWithin sends a request that must be answered within d: a request
// held behind another is answered 0 instead of hanging the test. (A bound
// on a wait for an answer that should come at once, not a timed assertion.)
func (a *testAPI) doWithin(d time.Duration, method, path string, body any, headers ...string) Response {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, method, a.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Response{}
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// sameAnswer fails unless the retry answered exactly the first answer: its
// status, body bytes and write headers, marked as replayed.
func sameAnswer(t *testing.T, first, again Response) {
	t.Helper()
	if again.Status != first.Status || string(again.Body) != string(first.Body) {
		t.Fatalf("the retry answered %d %s; the first %d %s", again.Status, again.Body, first.Status, first.Body)
	}
	for _, h := range []string{"ETag", api.HeaderEventSeq, "Content-Type"} {
		if again.Header.Get(h) != first.Header.Get(h) {
			t.Fatalf("the retry's %s is %q, the first's %q", h, again.Header.Get(h), first.Header.Get(h))
		}
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry is not marked as replayed: %v", again.Header)
	}
}

func TestAKeyedRetryAnswersTheFirstAnswerAfterTheEntityChanged(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines")
	id := first.Map(t)["id"].(string)
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+id, map[string]any{"department": "Sales"})
	before := a.Engine.LastSeq()
	again := a.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines")
	sameAnswer(t, first, again)
	if after := a.Engine.LastSeq(); after != before {
		t.Fatalf("the retry wrote: the log went from %d to %d", before, after)
	}
}

func TestAKeyWithAnotherRequestAnswers422(t *testing.T) {
	a := startAPI(t)
	ines := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	ravi := map[string]any{"name": "Ravi", "email": "ravi@example.com", "department": "Claims"}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", ines, "Idempotency-Key", "k-1")
	id := first.Map(t)["id"].(string)
	other := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", ravi).Map(t)["id"].(string)
	rename := map[string]any{"department": "Sales"}
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+id, rename, "Idempotency-Key", "k-2")
	before := a.Engine.LastSeq()
	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"another body", http.MethodPost, "/v1/people", ravi},
		{"another route", http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": events.NewID(), "metric": "nps", "score": 9, "source": "survey"}},
	} {
		r := a.Do(tc.method, tc.path, tc.body, "Idempotency-Key", "k-1")
		if r.Status != http.StatusUnprocessableEntity || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s answered %d %s, want a 422 problem", tc.name, r.Status, r.Body)
		}
	}
	// The same route and body on another entity is another request.
	if r := a.Do(http.MethodPatch, "/v1/people/"+other, rename, "Idempotency-Key", "k-2"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the key on another path parameter answered %d %s, want 422", r.Status, r.Body)
	}
	if after := a.Engine.LastSeq(); after != before {
		t.Fatalf("a reused key wrote: the log went from %d to %d", before, after)
	}
}

func TestAKeyWhileItsFirstRequestIsInFlightAnswers409(t *testing.T) {
	a := startAPI(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	// Released at the end whatever happens, before the server shuts down.
	releaseOnce := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseOnce)
	var once sync.Once
	api.HoldKeyedRequests(a.Server, func(echo.Context) {
		once.Do(func() { close(arrived); <-release })
	})
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	firstDone := make(chan Response, 1)
	go func() { firstDone <- a.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "slow") }()
	<-arrived
	second := a.doWithin(5*time.Second, http.MethodPost, "/v1/people", body, "Idempotency-Key", "slow")
	releaseOnce()
	first := <-firstDone
	if second.Status != http.StatusConflict || second.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("a request with the key of one in flight answered %d %s, want a 409 problem", second.Status, second.Body)
	}
	if first.Status != http.StatusCreated {
		t.Fatalf("the first request answered %d %s", first.Status, first.Body)
	}
	sameAnswer(t, first, a.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "slow"))
}

func TestTwoReplicasRacingOneKeyWriteOnce(t *testing.T) {
	a := startAPI(t)
	b := a.replica(t)
	// Both replicas take the request before either writes it: neither has
	// seen the key in the log yet.
	arrived := make(chan struct{}, 2)
	release := make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseOnce)
	hold := func(echo.Context) { arrived <- struct{}{}; <-release }
	api.HoldKeyedRequests(a.Server, hold)
	api.HoldKeyedRequests(b.Server, hold)
	before := a.Engine.LastSeq()
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	answers := make(chan Response, 2)
	for _, r := range []*testAPI{a, b} {
		go func() { answers <- r.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "race") }()
	}
	// A replica that answers before it holds the key (refusing the token,
	// say) fails the test rather than leaving it waiting.
	for held := 0; held < 2; {
		select {
		case <-arrived:
			held++
		case r := <-answers:
			t.Fatalf("a replica answered %d %s before both held the key", r.Status, r.Body)
		}
	}
	releaseOnce()
	one, two := <-answers, <-answers
	if one.Status != http.StatusCreated || two.Status != http.StatusCreated {
		t.Fatalf("the replicas answered %d %s and %d %s, want 201 twice", one.Status, one.Body, two.Status, two.Body)
	}
	if one.Map(t)["id"] != two.Map(t)["id"] || one.Header.Get(api.HeaderEventSeq) != two.Header.Get(api.HeaderEventSeq) {
		t.Fatalf("the replicas answered different writes: %s (seq %s) and %s (seq %s)",
			one.Body, one.Header.Get(api.HeaderEventSeq), two.Body, two.Header.Get(api.HeaderEventSeq))
	}
	last, err := a.Store.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if last != before+1 {
		t.Fatalf("two replicas wrote %d events for one keyed request, want 1", last-before)
	}
}

func TestAKeyHoldsAfterARestart(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines")
	before := a.Engine.LastSeq()
	restarted := a.replica(t)
	sameAnswer(t, first, restarted.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines"))
	other := map[string]any{"name": "Ravi", "email": "ravi@example.com", "department": "Claims"}
	if r := restarted.Do(http.MethodPost, "/v1/people", other, "Idempotency-Key", "register-ines"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("after a restart, the key with another body answered %d %s, want 422", r.Status, r.Body)
	}
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("after a restart, the key wrote: the log went from %d to %d", before, last)
	}
}

func TestAKeyedImportRetryAnswersTheSameAndWritesNothing(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	body := fmt.Sprintf(`{"touchpoint_id":%q,"metric":"csat","score":4,"source":"survey"}`+"\n"+`{"touchpoint_id":%q,"metric":"csat","score":9,"source":"survey"}`+"\n",
		m.Touchpoints["Branch"], m.Touchpoints["Branch"])
	first := a.importNDJSON(body, "Idempotency-Key", "import-1")
	if first.Status != http.StatusOK {
		t.Fatalf("the import answered %d %s", first.Status, first.Body)
	}
	before := a.Engine.LastSeq()
	sameAnswer(t, first, a.importNDJSON(body, "Idempotency-Key", "import-1"))
	if r := a.importNDJSON(body+body, "Idempotency-Key", "import-1"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the key with another import answered %d %s, want 422", r.Status, r.Body)
	}
	// On another replica the import writes nothing either: its lines carry
	// the ids of the first copy, or the key is found in the log.
	if r := a.replica(t).importNDJSON(body, "Idempotency-Key", "import-1"); r.Status/100 == 5 {
		t.Fatalf("the import on another replica answered %d %s", r.Status, r.Body)
	}
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("the retried import wrote: the log went from %d to %d", before, last)
	}
}
