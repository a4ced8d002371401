package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"

	"cxtracker/events"
)

// cli runs the binary's run() with an environment and answers the exit
// code, stdout and stderr.
func cli(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// adminTokenOf reads the admin token a Main wrote on its first start.
func adminTokenOf(t testing.TB, m *Main) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(m.Config.Data, AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(raw))
}

// registerPerson registers a person directly through the engine, so that
// the token tests need no people routes.
func registerPerson(t testing.TB, m *Main, name string) string {
	t.Helper()
	id := events.NewID()
	cmd := events.RegisterPerson{PersonID: id, Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", Department: "Sales"}
	if _, err := m.Engine().Execute(context.Background(), cmd, events.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Projector().WaitFor(context.Background(), m.Engine().LastSeq()); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTokenIssuePrintsAWorkingTokenOnceAndRevokeStopsIt(t *testing.T) {
	m := startMain(t, nil)
	server := "http://" + m.HTTPAddr()
	person := registerPerson(t, m, "Ana Ribeiro")

	// The admin token is read from <data>/admin.token by default.
	code, stdout, stderr := cli(t, nil, "token", "issue", "--person", person, "--label", "laptop", "--server", server, "--data", m.Config.Data)
	if code != 0 {
		t.Fatalf("token issue exited %d: %s", code, stderr)
	}
	token := strings.TrimSpace(stdout)
	if !strings.HasPrefix(token, "cxt_") || strings.Contains(token, "\n") {
		t.Fatalf("stdout is not the token alone: %q", stdout)
	}
	id := strings.Fields(stderr)[1]
	if _, err := ulid.ParseStrict(id); err != nil {
		t.Fatalf("stderr does not name the token's id: %q", stderr)
	}
	if strings.Contains(stderr, token) {
		t.Fatalf("the token is printed twice: %q", stderr)
	}
	// The new token signs its person in (403 on an admin route, not 401).
	if got := call(t, http.MethodDelete, server+"/v1/tokens/"+id, token); got != http.StatusForbidden {
		t.Fatalf("the issued token was answered %d on an admin route, want 403", got)
	}

	// CXTRACKER_TOKEN wins over a token file that does not exist, and flags
	// may follow the id.
	env := map[string]string{"CXTRACKER_TOKEN": adminTokenOf(t, m), "CXTRACKER_SERVER": server}
	code, stdout, stderr = cli(t, env, "token", "revoke", id, "--token-file", filepath.Join(t.TempDir(), "none"))
	if code != 0 || !strings.Contains(stdout, id) {
		t.Fatalf("token revoke exited %d: %s %s", code, stdout, stderr)
	}
	if got := call(t, http.MethodDelete, server+"/v1/tokens/"+id, token); got != http.StatusUnauthorized {
		t.Fatalf("the revoked token was answered %d, want 401", got)
	}
}

func TestTokenFailuresSayOneLine(t *testing.T) {
	m := startMain(t, nil)
	server := "http://" + m.HTTPAddr()
	admin := map[string]string{"CXTRACKER_TOKEN": adminTokenOf(t, m), "CXTRACKER_SERVER": server}
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		says []string
	}{
		{"unknown person", admin, []string{"token", "issue", "--person", events.NewID()}, 1, []string{"POST /v1/tokens", "Not Found", "does not exist"}},
		{"person id not a ULID", admin, []string{"token", "issue", "--person", "ana"}, 1, []string{"Unprocessable", "person_id is not a ULID"}},
		{"bad grant", admin, []string{"token", "issue", "--grant", "root"}, 1, []string{"grants grant 0"}},
		{"unknown token", admin, []string{"token", "revoke", events.NewID()}, 1, []string{"DELETE /v1/tokens/", "Not Found"}},
		{"wrong admin token", map[string]string{"CXTRACKER_TOKEN": "cxt_wrong", "CXTRACKER_SERVER": server}, []string{"token", "revoke", events.NewID()}, 1, []string{"Unauthorized"}},
		{"no token file", map[string]string{"CXTRACKER_SERVER": server}, []string{"token", "revoke", "x", "--data", t.TempDir()}, 1, []string{"no admin token", "admin.token does not exist"}},
		{"unreachable server", admin, []string{"token", "revoke", "x", "--server", deadURL}, 1, []string{"cannot reach the tracker at " + deadURL}},
		{"no subcommand", admin, []string{"token"}, 2, []string{"issue or revoke"}},
		{"unknown subcommand", admin, []string{"token", "mint"}, 2, []string{`unknown token subcommand "mint"`}},
		{"issue for nobody", admin, []string{"token", "issue"}, 2, []string{"needs --person"}},
		{"revoke without id", admin, []string{"token", "revoke"}, 2, []string{"one argument"}},
		{"bad server URL", admin, []string{"token", "revoke", "x", "--server", "127.0.0.1:8080"}, 2, []string{"--server must be"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q on a failure", stdout)
			}
			line := stderr
			if tc.code == 1 {
				if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "cxtracker: ") {
					t.Errorf("stderr is not one line starting cxtracker: %q", stderr)
				}
			} else {
				line = stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
			}
			for _, s := range tc.says {
				if !strings.Contains(line, s) {
					t.Errorf("stderr %q does not say %q", line, s)
				}
			}
		})
	}
}
