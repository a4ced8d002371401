package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/projections"
)

// TestAnotherReplicaForgetsAnErasedAccount erases an account on one
// tracker and reads it on another on the same log, which has its own item
// store and views kept for time travel: once it has applied the erasure,
// its answers, its time travel and its item store's files hold neither the
// contact nor the comments.
func TestAnotherReplicaForgetsAnErasedAccount(t *testing.T) {
	ext := plainNATS(t)
	onLog := func(c *Config) { c.NATSURL = ext.ClientURL() }
	first := startMain(t, onLog)
	token := adminTokenOf(t, first)
	c := newClient("http://"+first.HTTPAddr(), token)
	ctx := context.Background()
	res, err := loadDemo(ctx, c, demoOptions{Seed: 1, Feedback: 0, Now: time.Now().UTC().Truncate(24 * time.Hour)}, newDemoSteps(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	var journey struct {
		Stages []struct {
			Touchpoints []struct {
				ID string `json:"id"`
			} `json:"touchpoints"`
		} `json:"stages"`
	}
	var people struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/journeys/"+res.JourneyID, nil, &journey); err != nil {
		t.Fatal(err)
	}
	if err := c.do(ctx, http.MethodGet, "/v1/people", nil, &people); err != nil {
		t.Fatal(err)
	}
	const contact, phrase = "wilhelmina.quorn.x7d2@example.org", "marmalade escalator grievance"
	code, _, account := post(t, first, token, "/v1/accounts", map[string]any{"name": "Quorn plc", "segment": "smb", "owner_id": people.Items[0].ID, "contact": contact})
	if code != http.StatusCreated {
		t.Fatalf("open answered %d %v", code, account)
	}
	id := account["id"].(string)
	code, hdr, item := post(t, first, token, "/v1/feedback", map[string]any{"touchpoint_id": journey.Stages[0].Touchpoints[0].ID, "metric": "csat", "score": 1, "source": "survey", "account_id": id, "comment": phrase})
	if code != http.StatusCreated {
		t.Fatalf("feedback answered %d %v", code, item)
	}
	logged, _ := strconv.ParseUint(hdr.Get(api.HeaderEventSeq), 10, 64)

	// The second tracker reads the log up to the item and stops, so that
	// its item store holds the comment in its database file.
	second := startMain(t, onLog)
	if a, err := readAfter(second, "/v1/feedback?account="+id, token, logged); err != nil || !strings.Contains(a.body, phrase) {
		t.Fatalf("the second tracker reads %v %v", a, err)
	}
	dir := second.Config.Data
	second.Close()
	second = startMain(t, func(c *Config) { onLog(c); c.Data = dir })
	if found := filesHolding(t, dir, phrase); !slices.Contains(found, projections.ItemStoreFile) {
		t.Fatalf("the second tracker's comment is in %v, not in its item store's file", found)
	}
	// Known before the erasure was written: the views at that cut are kept,
	// and the erasure's event is not in them.
	asOf := "/v1/accounts/" + id + "?known_at=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))
	if a, err := readAfter(second, asOf, token, logged); err != nil || !strings.Contains(a.body, contact) {
		t.Fatalf("the second tracker travels to %v %v", a, err)
	}

	code, hdr, erased := post(t, first, token, "/v1/accounts/"+id+"/erasure", map[string]any{"reason": "request 2025-19"})
	if code != http.StatusOK {
		t.Fatalf("erasure answered %d %v", code, erased)
	}
	seq, _ := strconv.ParseUint(hdr.Get(api.HeaderEventSeq), 10, 64)
	for _, path := range []string{"/v1/accounts/" + id, asOf, "/v1/feedback?account=" + id, "/v1/events?aggregate=account&limit=1000"} {
		a, err := readAfter(second, path, token, seq)
		if err != nil || a.status != http.StatusOK || strings.Contains(a.body, contact) || strings.Contains(a.body, phrase) {
			t.Errorf("after the erasure the second tracker answers GET %s with %v %v", path, a, err)
		}
	}
	var list struct {
		Items []projections.FeedbackItem `json:"items"`
	}
	if a, _ := readAfter(second, "/v1/feedback?account="+id, token, seq); json.Unmarshal([]byte(a.body), &list) != nil || len(list.Items) != 1 || list.Items[0].Comment != "[erased]" {
		t.Errorf("the second tracker lists %s", a.body)
	}
	for _, s := range []string{contact, phrase} {
		if found := filesHolding(t, dir, s); len(found) > 0 {
			t.Errorf("after the erasure the second tracker's %v hold %q", found, s)
		}
	}
}
