package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// firstStart runs a tracker on a fresh data directory, registers a person
// so the log holds more than the admin token, stops it, and answers the
// directory and its admin token.
func firstStart(t *testing.T) (dir, token string) {
	t.Helper()
	dir = t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	token = adminTokenOf(t, m)
	if code, _, body := post(t, m, token, "/v1/people", map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}); code != http.StatusCreated {
		t.Fatalf("register answered %d %v", code, body)
	}
	m.Close()
	return dir, token
}

// refusedStart expects a start on dir to fail with one line saying says,
// having written no new admin token nor any stream.
func refusedStart(t *testing.T, dir, token, says string) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Data, cfg.HTTP = dir, "127.0.0.1:0"
	m := NewMain(cfg, nil)
	err := m.Run(context.Background())
	if err == nil {
		m.Close()
		t.Fatalf("the start went on, want a refusal saying %q", says)
	}
	if !strings.Contains(err.Error(), says) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("the start answered %q, want one line saying %q", err, says)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, AdminTokenFile))
	if strings.TrimSpace(string(raw)) != token {
		t.Fatalf("admin.token was replaced: %q, was %q", raw, token)
	}
}

func TestAStartOnAGoneLogRefuses(t *testing.T) {
	dir, token := firstStart(t)
	if err := os.RemoveAll(filepath.Join(dir, "jetstream")); err != nil {
		t.Fatal(err)
	}
	refusedStart(t, dir, token, "the event log is gone")
	if _, err := os.Stat(filepath.Join(dir, "jetstream", "$G", "streams", jetstream.StreamName)); !os.IsNotExist(err) {
		t.Fatalf("the refused start made a stream (%v)", err)
	}
}

func TestAStartOnAReplacedLogRefuses(t *testing.T) {
	dir, token := firstStart(t)
	other, _ := firstStart(t)
	if err := os.RemoveAll(filepath.Join(dir, "jetstream")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(other, "jetstream"), filepath.Join(dir, "jetstream")); err != nil {
		t.Fatal(err)
	}
	refusedStart(t, dir, token, "the event log was replaced")
}

func TestAStartOnAShorterLogRefuses(t *testing.T) {
	dir, token := firstStart(t)
	path := filepath.Join(dir, LogRecordFile)
	rec, err := readLogRecord(path)
	if err != nil || rec == nil {
		t.Fatalf("no log record after a start: %v", err)
	}
	// The record says the log reached further than it does now, as it
	// would after the log lost its tail.
	rec.LastSeq += 3
	if err := writeLogRecord(path, *rec); err != nil {
		t.Fatal(err)
	}
	refusedStart(t, dir, token, "the event log is shorter than recorded")
}

func TestTheRecordFollowsTheLogAcrossRestarts(t *testing.T) {
	dir, token := firstStart(t)
	raw, err := os.ReadFile(filepath.Join(dir, LogRecordFile))
	if err != nil {
		t.Fatal(err)
	}
	var rec jetstream.Identity
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Stream != jetstream.StreamName || rec.Created.IsZero() || rec.LastSeq != 2 {
		t.Fatalf("after the admin token and one person the record is %s (%v)", raw, err)
	}
	m := startMain(t, func(c *Config) { c.Data = dir })
	if code, _, body := post(t, m, token, "/v1/people", map[string]any{"name": "Ola", "email": "ola@example.com", "department": "Claims"}); code != http.StatusCreated {
		t.Fatalf("register after a restart answered %d %v", code, body)
	}
	m.Close()
	again, err := readLogRecord(filepath.Join(dir, LogRecordFile))
	if err != nil || again == nil || !again.Created.Equal(rec.Created) || again.LastSeq != 3 {
		t.Fatalf("after a restart and another person the record is %+v (%v)", again, err)
	}
}

func TestAnAdminTokenIsNeverReplaced(t *testing.T) {
	// A directory from before the log was recorded, whose log was deleted:
	// nothing says which log it held, but its admin token stays.
	dir, token := firstStart(t)
	os.Remove(filepath.Join(dir, LogRecordFile))
	if err := os.RemoveAll(filepath.Join(dir, "jetstream")); err != nil {
		t.Fatal(err)
	}
	refusedStart(t, dir, token, "admin.token shows this directory held one")
	// Nor does a second try get further.
	refusedStart(t, dir, token, "admin.token shows this directory held one")
	if _, err := os.Stat(filepath.Join(dir, "jetstream", "$G", "streams", jetstream.StreamName)); !os.IsNotExist(err) {
		t.Fatalf("the refused start made a stream (%v)", err)
	}
}

func TestAFirstStartStoppedBeforeItsTokenWasIssuedIssuesItsFile(t *testing.T) {
	// A first start wrote its record and admin.token, then stopped before
	// the token's event was stored.
	dir := t.TempDir()
	srv := jstest.Server(t, dir)
	st := jstest.Open(t, srv)
	id, err := st.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := writeLogRecord(filepath.Join(dir, LogRecordFile), id); err != nil {
		t.Fatal(err)
	}
	st.Close()
	srv.Shutdown()
	token := "cxt_interrupted-first-start"
	os.WriteFile(filepath.Join(dir, AdminTokenFile), []byte(token+"\n"), 0o600)

	m := startMain(t, func(c *Config) { c.Data = dir })
	req, _ := http.NewRequest(http.MethodGet, "http://"+m.HTTPAddr()+"/v1/program", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the token in admin.token answered %d", resp.StatusCode)
	}
	if adminTokenOf(t, m) != token {
		t.Fatal("admin.token was replaced")
	}
}
