package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"cxtracker/projections"
)

// TestAnErasedAccountIsFoundNowhere erases an account whose contact was
// answered, changed, kept in idempotent answers and in checkpoints, and
// whose feedback comments were listed and shown at a past cut, and then
// looks for the contacts and the comments' phrase in every read the API
// and the dashboard answer and in every file under the data directory (the
// item store with its write-ahead log among them), before and after a
// restart; the log still verifies.
func TestAnErasedAccountIsFoundNowhere(t *testing.T) {
	dir := t.TempDir()
	loadDemoInto(t, dir, "12")
	const contact, contact2, phrase = "ottoline.vexbridge.k2p9@example.org", "ottoline.vexbridge.r5m1@example.org", "purple walrus invoice kerfuffle"
	m := startMain(t, func(c *Config) { c.Data = dir })
	token := adminTokenOf(t, m)
	get := func(path string, out any) {
		t.Helper()
		a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+path, token, nil)
		if err != nil || a.status != http.StatusOK || json.Unmarshal([]byte(a.body), out) != nil {
			t.Fatalf("GET %s answered %v %v", path, a, err)
		}
	}
	var people, journeys struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	get("/v1/people", &people)
	get("/v1/journeys", &journeys)
	var journey struct {
		Stages []struct {
			Touchpoints []struct {
				ID string `json:"id"`
			} `json:"touchpoints"`
		} `json:"stages"`
	}
	get("/v1/journeys/"+journeys.Items[0].ID, &journey)
	tp := journey.Stages[0].Touchpoints[0].ID

	code, _, account := post(t, m, token, "/v1/accounts", map[string]any{"name": "Vexbridge Ltd", "segment": "enterprise", "owner_id": people.Items[0].ID, "contact": contact}, "Idempotency-Key", "open-vexbridge")
	if code != http.StatusCreated {
		t.Fatalf("open answered %d %v", code, account)
	}
	id := account["id"].(string)
	if a, err := request(http.MethodPatch, "http://"+m.HTTPAddr()+"/v1/accounts/"+id, token, map[string]any{"contact": contact2}, "Idempotency-Key", "move-vexbridge"); err != nil || a.status != http.StatusOK {
		t.Fatalf("the change answered %v %v", a, err)
	}
	var items []string
	for i := range 3 {
		code, _, it := post(t, m, token, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": i, "source": "survey",
			"account_id": id, "comment": phrase + " number " + string(rune('a'+i))}, "Idempotency-Key", "vexbridge-feedback-"+string(rune('a'+i)))
		if code != http.StatusCreated {
			t.Fatalf("feedback answered %d %v", code, it)
		}
		items = append(items, it["id"].(string))
	}
	m.checkpointer.take(context.Background(), "test")
	// A restart commits the item store and copies its write-ahead log into
	// the database, so that the comments are in its pages on disk.
	m.Close()
	m = startMain(t, func(c *Config) { c.Data = dir })
	if found := filesHolding(t, dir, phrase); !slices.Contains(found, projections.ItemStoreFile) {
		t.Fatalf("the comments are in %v, not in the item store's file: the walk cannot tell whether it is scrubbed", found)
	}
	asOf := url.QueryEscape(time.Now().UTC().Add(time.Hour).Format(time.RFC3339))
	paths := []string{"/v1/accounts/" + id, "/v1/accounts/" + id + "/history", "/v1/feedback?account=" + id, "/v1/feedback/" + items[0] + "/history",
		"/v1/accounts/" + id + "?as_of=" + asOf, "/v1/feedback?account=" + id + "&as_of=" + asOf,
		"/v1/events?aggregate=account&limit=1000", "/v1/events?aggregate=feedback&limit=1000"}
	secrets := []string{contact, contact2, phrase}
	if found := answersHolding(t, m, token, paths, secrets...); len(found) < len(secrets) {
		t.Fatalf("before the erasure only %v: the test looks for the wrong things", found)
	}
	for _, s := range secrets {
		if found := filesHolding(t, dir, s); len(found) == 0 {
			t.Fatalf("no file holds %q before the erasure (a checkpoint, a kept answer, the item store should): the walk finds nothing", s)
		}
	}
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	page := "/journeys/" + journeys.Items[0].ID + "/touchpoints/" + tp
	if a := b.get(page); a.Status != http.StatusOK || !strings.Contains(a.Body, phrase) {
		t.Fatalf("the touchpoint's page answered %d without the comment: the dashboard check looks for the wrong thing", a.Status)
	}

	for _, bad := range []map[string]any{{}, {"reason": ""}, {"reason": "x", "extra": 1}} {
		if code, _, p := post(t, m, token, "/v1/accounts/"+id+"/erasure", bad); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
			t.Errorf("erasure with %v answered %d %v", bad, code, p)
		}
	}
	if code, _, p := post(t, m, token, "/v1/accounts/01J00000000000000000000999/erasure", map[string]any{"reason": "request 18"}); code != http.StatusNotFound {
		t.Errorf("erasure of no account answered %d %v", code, p)
	}
	code, _, erased := post(t, m, token, "/v1/accounts/"+id+"/erasure", map[string]any{"reason": "request 2025-18"})
	if code != http.StatusOK || erased["contact"] != "[erased]" || erased["erased"] != true || erased["name"] != "Vexbridge Ltd" {
		t.Fatalf("erasure answered %d %v", code, erased)
	}
	if code, _, p := post(t, m, token, "/v1/accounts/"+id+"/erasure", map[string]any{"reason": "again"}); code != http.StatusConflict {
		t.Errorf("a second erasure answered %d %v", code, p)
	}
	if code, _, p := post(t, m, token, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": 9, "source": "survey", "account_id": id, "comment": "again"}); code != http.StatusUnprocessableEntity {
		t.Errorf("a comment on the erased account's feedback answered %d %v", code, p)
	}
	if code, _, p := post(t, m, token, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": 9, "source": "survey", "account_id": id}); code != http.StatusCreated {
		t.Errorf("feedback without a comment on the erased account answered %d %v", code, p)
	}
	lookNowhere := func(when string) {
		t.Helper()
		for _, found := range answersHolding(t, m, token, paths, secrets...) {
			t.Errorf("%s: %s", when, found)
		}
		for format, report := range councilReports(t, m, token) {
			for _, s := range secrets {
				if strings.Contains(report, s) {
					t.Errorf("%s the council's report in %s holds %q", when, format, s)
				}
			}
		}
		var list struct {
			Items []struct {
				Comment string `json:"comment"`
			} `json:"items"`
		}
		get("/v1/feedback?account="+id, &list)
		erasedComments := 0
		for _, it := range list.Items {
			if it.Comment == "[erased]" {
				erasedComments++
			}
		}
		if len(list.Items) != 4 || erasedComments != 3 {
			t.Errorf("%s: the account's feedback reads %+v, want its comments erased", when, list.Items)
		}
		b := newBrowserSession(t, "http://"+m.HTTPAddr())
		b.signIn(token)
		if a := b.get(page); a.Status != http.StatusOK || strings.Contains(a.Body, phrase) {
			t.Errorf("%s: the touchpoint's page answered %d, with the comment %v", when, a.Status, strings.Contains(a.Body, phrase))
		}
	}
	inNoFile := func(when string) {
		t.Helper()
		for _, s := range secrets {
			if found := filesHolding(t, dir, s); len(found) > 0 {
				t.Errorf("%s %q is still in %v", when, s, found)
			}
		}
	}
	lookNowhere("after the erasure")
	// While the tracker runs, as well as once it has closed the item
	// store (which then empties its write-ahead log anyway).
	inNoFile("after the erasure, running,")
	m.Close()
	inNoFile("after the erasure")

	m = startMain(t, func(c *Config) { c.Data = dir })
	lookNowhere("after a restart")
	m.Close()
	if code, out, errs := runVerify(t, "--data", dir); code != 0 {
		t.Fatalf("verify after an erasure answered %d: %s %s", code, out, errs)
	}
	code, out, errs := cli(t, nil, "replay", "--data", dir, "--out", "-")
	if code != 0 || strings.Contains(out, contact) || strings.Contains(out, phrase) {
		t.Fatalf("replay after an erasure answered %d: %.300s %s", code, out, errs)
	}
}
