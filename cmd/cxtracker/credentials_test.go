package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"cxtracker/api"
	"cxtracker/events/jetstream"
)

// rawCX is every message of the CX stream, headers and data, as any NATS
// user allowed to read the stream gets it.
func rawCX(t *testing.T, nc *nats.Conn) []byte {
	t.Helper()
	ctx := context.Background()
	st := streamNamed(t, nc, jetstream.StreamName)
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		msg, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("read message %d: %v", seq, err)
		}
		fmt.Fprintf(&raw, "%s %v\n%s\n", msg.Subject, msg.Header, msg.Data)
	}
	if raw.Len() == 0 {
		t.Fatal("the CX stream is empty")
	}
	return raw.Bytes()
}

// issuePersonToken registers a person and issues a token for them with the
// admin token, answering the new token.
func issuePersonToken(t *testing.T, m *Main, admin string) string {
	t.Helper()
	code, _, person := post(t, m, admin, "/v1/people", map[string]any{"name": "Rui", "email": "rui@example.com", "department": "Claims"})
	if code != http.StatusCreated {
		t.Fatalf("register answered %d %v", code, person)
	}
	code, _, issued := post(t, m, admin, "/v1/tokens", map[string]any{"person_id": person["id"]})
	token, _ := issued["token"].(string)
	if code != http.StatusCreated || token == "" {
		t.Fatalf("issue answered %d %v", code, issued)
	}
	return token
}

func TestTheCXStreamHoldsNoTokenHashAndTokensSignInAfterARestart(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	file := filepath.Join(dir, AdminTokenFile)
	raw, _ := os.ReadFile(file)
	admin := strings.TrimSpace(string(raw))
	person := issuePersonToken(t, m, admin)

	log := rawCX(t, m.conn)
	if !bytes.Contains(log, []byte("token_issued")) {
		t.Fatalf("the CX stream holds no token_issued event:\n%s", log)
	}
	for name, token := range map[string]string{"the admin's": admin, "the person's": person} {
		if bytes.Contains(log, []byte(api.HashToken(token))) {
			t.Errorf("the CX stream holds the hash of %s token:\n%s", name, log)
		}
	}
	m.Close()

	m = startMain(t, func(c *Config) { c.Data = dir })
	for name, token := range map[string]string{"the admin's": admin, "the person's": person} {
		if code := call(t, http.MethodGet, "http://"+m.HTTPAddr()+"/v1/people", token); code != http.StatusOK {
			t.Errorf("after a restart %s token was answered %d, want 200", name, code)
		}
	}
	if again, _ := os.ReadFile(file); string(again) != string(raw) {
		t.Error("the restart wrote another admin token")
	}
}

func TestATrackerOnTheSameLogSignsInTheTokensAnotherIssued(t *testing.T) {
	ext := plainNATS(t)
	first := startMain(t, func(c *Config) { c.NATSURL = ext.ClientURL() })
	raw, _ := os.ReadFile(filepath.Join(first.Config.Data, AdminTokenFile))
	admin := strings.TrimSpace(string(raw))
	person := issuePersonToken(t, first, admin)

	second := startMain(t, func(c *Config) { c.NATSURL = ext.ClientURL() })
	if _, err := os.Stat(filepath.Join(second.Config.Data, AdminTokenFile)); !os.IsNotExist(err) {
		t.Error("the second tracker issued an admin token of its own")
	}
	for name, token := range map[string]string{"the admin's": admin, "the person's": person} {
		if code := call(t, http.MethodGet, "http://"+second.HTTPAddr()+"/v1/people", token); code != http.StatusOK {
			t.Errorf("the second tracker answered %s token with %d, want 200", name, code)
		}
	}
}
