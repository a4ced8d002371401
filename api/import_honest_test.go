package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/projections"
)

// postImport sends body whole, at once, as a client that has it all does,
// and answers the status and the decoded result.
func postImport(t *testing.T, a *testAPI, body string) (int, http.Header, api.ImportResult, error) {
	req, err := http.NewRequest(http.MethodPost, a.URL+"/v1/feedback/import", strings.NewReader(body))
	if err != nil {
		return 0, nil, api.ImportResult{}, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, api.ImportResult{}, err
	}
	defer resp.Body.Close()
	var res api.ImportResult
	err = json.NewDecoder(resp.Body).Decode(&res)
	return resp.StatusCode, resp.Header, res, err
}

// logGrowth is how many events the log took since before.
func logGrowth(t *testing.T, a *testAPI, before uint64) int {
	t.Helper()
	last, err := a.Store.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(last - before)
}

// Each append of an import waited until the read models had applied it,
// within the request's time; when that ran out, lines the log held were
// answered "not logged: the event log did not answer in time", and a
// client sending them again logged them twice. Now the appends do not
// wait for the read models, and the answer tells what was logged even
// when the read models lag behind.
func TestAnImportIsAnsweredHonestlyWhileTheReadModelsLag(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	// Before, the appends waited out the request's time (the default, 30
	// s) on the held read models; now the answer waits for them only
	// WaitTimeout.
	a := startAPIWith(t, func(d *api.Deps) { d.WaitTimeout = 300 * time.Millisecond }, g)
	var opening sync.Once
	open := func() { opening.Do(func() { close(g.open) }) }
	defer open()
	m := mapAARRR(t, a)
	const n = 3000
	body, _, _ := importBody([]string{m.Touchpoints["Website"], m.Touchpoints["Onboarding app"]}, n)
	before := a.Engine.LastSeq()
	// The read models apply nothing written from now on until the gate
	// opens, well after the import has been answered.
	g.after.Store(before)
	status, header, res, err := postImport(t, a, body)
	if err != nil {
		t.Fatalf("answered %d, unreadable: %v", status, err)
	}
	if status != http.StatusOK || res.Received != n || res.Logged != n || res.Rejected != 0 {
		t.Fatalf("answered %d: received %d, logged %d, rejected %d, errors %+v", status, res.Received, res.Logged, res.Rejected, res.Errors[:min(len(res.Errors), 3)])
	}
	if grew := logGrowth(t, a, before); grew != n {
		t.Fatalf("the log took %d events for %d lines", grew, n)
	}
	seq := header.Get(api.HeaderEventSeq)
	if want := strconv.FormatUint(before+n, 10); seq != want {
		t.Fatalf("X-Event-Seq is %q, want the import's last event, %s", seq, want)
	}
	open()
	if err := a.Engine.WaitFor(context.Background(), before+n); err != nil {
		t.Fatal(err)
	}
	var j projections.JourneyView
	a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID, nil, api.HeaderMinSeq, seq).JSON(t, &j)
	if j.Count != n {
		t.Fatalf("the journey counts %d items once applied, want %d", j.Count, n)
	}
}
