package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
)

// call sends a request with a bearer token and answers the status.
func call(t *testing.T, method, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestFirstStartWritesAnAdminTokenOnlyItsOwnerReads(t *testing.T) {
	m := startMain(t, nil)
	path := filepath.Join(m.Config.Data, AdminTokenFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("admin.token has mode %v, want 0600", info.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	token := strings.TrimSpace(string(raw))
	base := "http://" + m.HTTPAddr()
	if code := call(t, http.MethodDelete, base+"/v1/tokens/01J00000000000000000000000", token); code != http.StatusNotFound {
		t.Errorf("the admin token was answered %d on an unknown token, want 404", code)
	}
	if code := call(t, http.MethodDelete, base+"/v1/tokens/01J00000000000000000000000", "cxt_wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong token was answered %d, want 401", code)
	}
	// The data directory never holds the token itself.
	m.Close()
	for _, f := range walk(t, filepath.Join(m.Config.Data, "jetstream")) {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), token) {
			t.Fatalf("%s holds the admin token", f)
		}
	}
}

func TestAdminTokenFromTheEnvironmentIsRegisteredOnce(t *testing.T) {
	const token = "cxt_from-the-environment-0123456789"
	dir := t.TempDir()
	for range 2 {
		m := startMain(t, func(c *Config) { c.Data, c.AdminToken = dir, token })
		if code := call(t, http.MethodDelete, "http://"+m.HTTPAddr()+"/v1/tokens/01J00000000000000000000000", token); code != http.StatusNotFound {
			t.Fatalf("the environment's admin token was answered %d, want 404", code)
		}
		if _, err := os.Stat(filepath.Join(dir, AdminTokenFile)); !os.IsNotExist(err) {
			t.Fatalf("admin.token was written although CXTRACKER_ADMIN_TOKEN was set")
		}
		m.Close()
		if got := m.Projector().LastSeq(); got != 1 {
			t.Fatalf("the log holds %d events after start, want the one token_issued", got)
		}
	}
}

func walk(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatalf("no files under %s", root)
	}
	return files
}

func TestWritesAnswer503WithRetryAfterWhenJetStreamIsGone(t *testing.T) {
	m := startMain(t, nil)
	raw, _ := os.ReadFile(filepath.Join(m.Config.Data, AdminTokenFile))
	token := strings.TrimSpace(string(raw))
	m.server.Shutdown()
	// /readyz turns 503 once the tracker's connection has seen the server
	// go. Writing only then keeps the test from waiting out the publish
	// timeout (10 s) when the write would race the connection's notice.
	for call(t, http.MethodGet, "http://"+m.HTTPAddr()+"/readyz", "") != http.StatusServiceUnavailable {
		time.Sleep(10 * time.Millisecond)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+m.HTTPAddr()+"/v1/tokens", strings.NewReader(`{"label":"x","grants":["admin"]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a write without JetStream answered %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestARevokedEnvironmentAdminTokenStaysRevoked(t *testing.T) {
	const token = "cxt_env-token-that-gets-revoked-0123456789"
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data, c.AdminToken = dir, token })
	tv, ok := m.views.Tokens.ByHash(api.HashToken(token))
	if !ok {
		t.Fatal("the environment's admin token was not registered")
	}
	id := tv.ID
	if code := call(t, http.MethodDelete, "http://"+m.HTTPAddr()+"/v1/tokens/"+id, token); code != http.StatusOK {
		t.Fatalf("revoking the admin token answered %d", code)
	}
	m.Close()
	cfg := DefaultConfig()
	cfg.Data, cfg.HTTP, cfg.AdminToken = dir, "127.0.0.1:0", token
	again := NewMain(cfg, nil)
	err := again.Run(context.Background())
	if err == nil {
		again.Close()
		t.Fatal("the revoked token was issued again at the next start")
	}
	if !strings.Contains(err.Error(), "was revoked") {
		t.Fatalf("the start failed with %v", err)
	}
}
