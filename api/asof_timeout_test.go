package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

// A read at a cut whose views take longer to build than the request may
// take answers 503 with Retry-After, not a 500 nor a hung connection; the
// build goes on, and the same read asked again is answered from it. The
// request timeout is a nanosecond, so that every read at a cut not built
// yet runs out of time whatever the machine's speed.
func TestAReadAtACutStillBuildingAnswers503AndARetryGetsTheViews(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) { d.Limits = &api.Limits{RequestTimeout: time.Nanosecond} })
	ctx := context.Background()
	march, may := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, when := range []time.Time{march, may} {
		cmd := events.RegisterPerson{PersonID: events.NewID(), Name: []string{"Ann", "Bob"}[i], Email: []string{"ann", "bob"}[i] + "@example.com", Department: "Sales"}
		if _, err := a.Engine.Execute(ctx, cmd, events.Meta{Actor: "test", Time: when}); err != nil {
			t.Fatal(err)
		}
	}
	path := "/v1/people?as_of=" + url.QueryEscape("2024-04-01T00:00:00Z")
	first := a.Do(http.MethodGet, path, nil)
	if first.Status != http.StatusServiceUnavailable || first.Header.Get("Retry-After") == "" || first.Header.Get("Content-Type") != api.ProblemType {
		t.Fatalf("the first read at the cut: %d, Retry-After %q, %s: %s", first.Status, first.Header.Get("Retry-After"), first.Header.Get("Content-Type"), first.Body)
	}
	// Asked again as Retry-After says, until the views are built: each
	// answer is a 503 until one is the read.
	var got Response
	for range 1000 {
		if got = a.Do(http.MethodGet, path, nil); got.Status != http.StatusServiceUnavailable {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got.Status != http.StatusOK {
		t.Fatalf("a retry at the cut: %d: %s", got.Status, got.Body)
	}
	var page struct {
		Items []struct {
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := json.Unmarshal(got.Body, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Name != "Ann" {
		t.Errorf("people as of April 2024: %+v, want Ann alone", page.Items)
	}
}
