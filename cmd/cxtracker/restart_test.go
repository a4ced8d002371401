package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cxtracker/projections"
)

// post sends a JSON body with the admin token and answers status, headers
// and body.
func post(t *testing.T, m *Main, token, path string, body any, headers ...string) (int, http.Header, map[string]any) {
	t.Helper()
	a, err := request(http.MethodPost, "http://"+m.HTTPAddr()+path, token, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal([]byte(a.body), &out)
	return a.status, a.header, out
}

func TestIdempotencyKeyHoldsAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	raw, _ := os.ReadFile(filepath.Join(dir, AdminTokenFile))
	token := strings.TrimSpace(string(raw))
	person := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	code, h1, first := post(t, m, token, "/v1/people", person, "Idempotency-Key", "register-ines")
	if code != http.StatusCreated {
		t.Fatalf("register answered %d %v", code, first)
	}
	// The person changes after the first answer: the retry still gets
	// that answer, not the person as they are now.
	patch, _ := http.NewRequest(http.MethodPatch, "http://"+m.HTTPAddr()+"/v1/people/"+first["id"].(string), strings.NewReader(`{"department":"Sales"}`))
	patch.Header.Set("Authorization", "Bearer "+token)
	patch.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(patch); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the change answered %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	m.Close()

	m = startMain(t, func(c *Config) { c.Data = dir })
	before := m.Projector().LastSeq()
	code, h2, again := post(t, m, token, "/v1/people", person, "Idempotency-Key", "register-ines")
	if code != http.StatusCreated || !reflect.DeepEqual(again, first) || h2.Get("X-Event-Seq") != h1.Get("X-Event-Seq") || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry after a restart answered %d %v (seq %s, replayed %q); the first %v (seq %s)",
			code, again, h2.Get("X-Event-Seq"), h2.Get("Idempotent-Replayed"), first, h1.Get("X-Event-Seq"))
	}
	if after := m.Projector().LastSeq(); after != before {
		t.Fatalf("the retry wrote again: the log went from %d to %d", before, after)
	}
}

// getAll reads every documented GET route of the API (the stream and the
// live metrics aside), with the path's ids taken from the lists, and
// answers each body by path.
func getAll(t *testing.T, m *Main, token string) map[string]string {
	t.Helper()
	base := "http://" + m.HTTPAddr()
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	firstID := func(list string) string {
		_, body := get(list)
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if json.Unmarshal([]byte(body), &page) != nil || len(page.Items) == 0 {
			t.Fatalf("%s has no items to read: %s", list, body)
		}
		return page.Items[0].ID
	}
	ids := map[string]string{
		"people": firstID("/v1/people"), "crews": firstID("/v1/crews"), "initiatives": firstID("/v1/initiatives"),
		"journeys": firstID("/v1/journeys"), "kpis": firstID("/v1/kpis"), "action-plans": firstID("/v1/action-plans"),
		"feedback": firstID("/v1/feedback"), "accounts": firstID("/v1/accounts"), "tokens": "",
	}
	var tok struct {
		Items []struct {
			AggregateID string `json:"aggregate_id"`
		} `json:"items"`
	}
	_, body := get("/v1/events?aggregate=token&limit=1")
	json.Unmarshal([]byte(body), &tok)
	ids["tokens"] = tok.Items[0].AggregateID
	answers := map[string]string{}
	for _, r := range m.API().Routes() {
		if r.Method != http.MethodGet || r.Produces == "text/event-stream" || r.Path == "/metrics" {
			continue
		}
		path := r.Path
		if strings.Contains(path, "{id}") {
			collection := strings.Split(path, "/")[2]
			path = strings.Replace(path, "{id}", ids[collection], 1)
		}
		if strings.Contains(path, "{") {
			t.Fatalf("no id for %s", r.Path)
		}
		switch r.Path {
		case "/v1/reports/council":
			// Known at the log's last record: the same bytes for as long
			// as the log holds no more (known_at now would move on).
			known, err := projections.KnownNow(context.Background(), m.store, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			path += "?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&known_at=" + url.QueryEscape(known.Format(time.RFC3339Nano))
		case "/v1/feedback/trends":
			path += "?period=week&by=touchpoint"
		}
		code, body := get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s answered %d: %s", path, code, body)
		}
		answers[path] = body
	}
	return answers
}

func TestEveryReadAnswersTheSameAfterARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := cli(t, nil, "demo", "--data", dir, "--feedback", demoFeedback, "--seed", "7", "--now", demoAt); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	m := startMain(t, func(c *Config) { c.Data = dir })
	token := adminTokenOf(t, m)
	before := getAll(t, m, token)
	m.Close()
	m = startMain(t, func(c *Config) { c.Data = dir })
	after := getAll(t, m, token)
	if len(before) < 30 {
		t.Fatalf("only %d read endpoints were read", len(before))
	}
	for path, want := range before {
		if after[path] != want {
			t.Errorf("GET %s answers differently after a restart:\nbefore %.300s\nafter  %.300s", path, want, after[path])
		}
	}
}
