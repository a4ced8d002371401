package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestTokensAreIssuedShownOnceAndRevoked(t *testing.T) {
	a := startAPI(t)
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "survey tool", "grants": []string{"action:log_feedback"}})
	var tok struct {
		ID     string   `json:"id"`
		Token  string   `json:"token"`
		Grants []string `json:"grants"`
	}
	issued.JSON(t, &tok)
	if !strings.HasPrefix(tok.Token, "cxt_") || tok.ID == "" || issued.Header.Get("X-Event-Seq") == "" || issued.Header.Get("ETag") != `"1"` {
		t.Fatalf("issued %s with headers %v", issued.Body, issued.Header)
	}
	// The new token signs in, but is no admin.
	if r := a.DoAs(tok.Token, http.MethodPost, "/v1/tokens", map[string]any{"label": "x", "grants": []string{"admin"}}); r.Status != http.StatusForbidden {
		t.Fatalf("a service token issued a token: %d %s", r.Status, r.Body)
	}
	revoked := a.Must(http.StatusOK, http.MethodDelete, "/v1/tokens/"+tok.ID, nil)
	if !strings.Contains(string(revoked.Body), `"revoked":true`) || strings.Contains(string(revoked.Body), tok.Token) {
		t.Fatalf("revocation answered %s", revoked.Body)
	}
	if r := a.DoAs(tok.Token, http.MethodDelete, "/v1/tokens/"+tok.ID, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked token was answered %d", r.Status)
	}
}

func TestWritesHonourIfMatchAndIdempotencyKey(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"label": "bi pipeline", "grants": []string{"action:read_events"}}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", body, "Idempotency-Key", "k-1")
	again := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", body, "Idempotency-Key", "k-1")
	if again.Header.Get("X-Event-Seq") != first.Header.Get("X-Event-Seq") || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry was written again: seq %s then %s", first.Header.Get("X-Event-Seq"), again.Header.Get("X-Event-Seq"))
	}
	id := first.Map(t)["id"].(string)
	if again.Map(t)["id"] != id {
		t.Fatalf("the retry answered token %v, the first %s", again.Map(t)["id"], id)
	}
	if r := a.Do(http.MethodDelete, "/v1/tokens/"+id, nil, "If-Match", `"7"`); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("a stale If-Match answered %d %s", r.Status, r.Body)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/tokens/"+id, nil, "If-Match", `"1"`)
}

func TestErrorsAreProblemDocuments(t *testing.T) {
	a := startAPI(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		token              string
		want               int
	}{
		{"no token", http.MethodPost, "/v1/tokens", map[string]any{}, "-", http.StatusUnauthorized},
		{"malformed JSON", http.MethodPost, "/v1/tokens", `{"label":`, "", http.StatusBadRequest},
		{"unknown field", http.MethodPost, "/v1/tokens", `{"lable":"x"}`, "", http.StatusBadRequest},
		{"invalid grant", http.MethodPost, "/v1/tokens", map[string]any{"grants": []string{"root"}}, "", http.StatusUnprocessableEntity},
		{"unknown id", http.MethodDelete, "/v1/tokens/01J00000000000000000000000", nil, "", http.StatusNotFound},
		{"too large", http.MethodPost, "/v1/tokens", `{"label":"` + strings.Repeat("x", 2<<20) + `"}`, "", http.StatusRequestEntityTooLarge},
		{"unknown route", http.MethodGet, "/v1/nothing", nil, "", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := a.Admin
			if tc.token == "-" {
				token = ""
			}
			r := a.DoAs(token, tc.method, tc.path, tc.body)
			if r.Status != tc.want || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("answered %d %s (%s), want %d problem+json", r.Status, r.Header.Get("Content-Type"), r.Body, tc.want)
			}
			if p := r.Map(t); p["status"] != float64(tc.want) || p["title"] == "" {
				t.Fatalf("problem %s", r.Body)
			}
		})
	}
}

func TestConcurrentRetriesWithOneIdempotencyKeyWriteOnce(t *testing.T) {
	a := startAPI(t)
	before := a.Engine.LastSeq()
	body := map[string]any{"name": "Ravi", "email": "ravi@example.com", "department": "Claims"}
	ids := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "ravi-1")
			if r.Status == http.StatusConflict {
				// The first is still in flight: the draft's 409, nothing written.
				return
			}
			if r.Status != http.StatusCreated {
				t.Errorf("a retry answered %d %s", r.Status, r.Body)
				return
			}
			ids <- r.Map(t)["id"].(string)
		}()
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("concurrent retries answered different people: %s and %s", first, id)
		}
	}
	if written := a.Engine.LastSeq() - before; written != 1 {
		t.Fatalf("eight concurrent retries wrote %d events, want 1", written)
	}
}
