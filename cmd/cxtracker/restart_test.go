package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// post sends a JSON body with the admin token and answers status, headers
// and body.
func post(t *testing.T, m *Main, token, path string, body any, headers ...string) (int, http.Header, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+m.HTTPAddr()+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
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
	m.Close()

	m = startMain(t, func(c *Config) { c.Data = dir })
	before := m.Projector().LastSeq()
	code, h2, again := post(t, m, token, "/v1/people", person, "Idempotency-Key", "register-ines")
	if code != http.StatusCreated || again["id"] != first["id"] || h2.Get("X-Event-Seq") != h1.Get("X-Event-Seq") || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry after a restart answered %d %v (seq %s, replayed %q); the first %v (seq %s)",
			code, again, h2.Get("X-Event-Seq"), h2.Get("Idempotent-Replayed"), first, h1.Get("X-Event-Seq"))
	}
	if after := m.Projector().LastSeq(); after != before {
		t.Fatalf("the retry wrote again: the log went from %d to %d", before, after)
	}
}
