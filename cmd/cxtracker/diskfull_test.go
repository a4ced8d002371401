package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cxtracker/api"
)

// mountTmpfs mounts a tmpfs of size (as mount takes it, e.g. 48m) on a
// fresh directory, unmounted when the test ends. Where no tmpfs can be
// mounted (not root, on CI) it answers a plain directory and false: the
// caller then stages the full disk instead.
func mountTmpfs(t *testing.T, size string) (string, bool) {
	t.Helper()
	root := os.Geteuid() == 0
	if !root && os.Getenv("CI") == "" {
		t.Skip("a full disk is staged on a tmpfs, which only root may mount")
	}
	dir := t.TempDir()
	if !root {
		t.Log("not root: the full disk is staged in the embedded server")
		return dir, false
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("no tmpfs (%v: %s): the full disk is staged in the embedded server", err, out)
		return dir, false
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir, true
}

// fill writes a file into dir until the disk refuses more.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes: what a whole chunk no longer fits in.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			break
		}
	}
	return path
}

func send(t *testing.T, method, url, token string, body any) answer {
	t.Helper()
	a, err := request(method, url, token, body)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Before the fix a full disk answered 503 "may be retried safely" while
// /readyz said ready, and writes kept failing after space was freed until
// the tracker was restarted.
func TestAFullDiskRefusesWritesWith507AndRecoversWithoutARestart(t *testing.T) {
	dir, mounted := mountTmpfs(t, "48m")
	token, _ := api.NewToken()
	m := startMain(t, func(c *Config) { c.Data, c.AdminToken, c.RateLimit = dir, token, 0 })
	base := "http://" + m.HTTPAddr()
	issue := func(label string) answer {
		return send(t, http.MethodPost, base+"/v1/tokens", token, map[string]any{"label": label, "grants": []string{"action:read"}})
	}
	var acknowledged []string
	for _, label := range []string{"before 1", "before 2"} {
		a := issue(label)
		if a.status != http.StatusCreated {
			t.Fatalf("a write before the disk filled answered %d %s", a.status, a.body)
		}
		acknowledged = append(acknowledged, label)
	}

	var filler string
	if mounted {
		filler = fill(t, dir)
	} else {
		m.server.StageFullDisk(true)
	}
	// The pages the log's files already hold take a few events more.
	var full answer
	for i := range 1000 {
		label := fmt.Sprintf("filling %d", i)
		if full = issue(label); full.status != http.StatusCreated {
			break
		}
		acknowledged = append(acknowledged, label)
	}
	if full.status != http.StatusInsufficientStorage || full.header.Get("Content-Type") != api.ProblemType || !strings.Contains(full.body, "disk is full") {
		t.Fatalf("a write to a full disk answered %d %s", full.status, full.body)
	}
	// Known now, the next write is refused at once, the same way.
	if again := issue("while full, again"); again.status != http.StatusInsufficientStorage {
		t.Fatalf("a second write to a full disk answered %d %s", again.status, again.body)
	}
	code, body := get(t, base+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "writes are failing: disk full") {
		t.Fatalf("/readyz on a full disk answered %d %s", code, body)
	}
	// Reads go on.
	if a := send(t, http.MethodGet, base+"/v1/events", token, nil); a.status != http.StatusOK {
		t.Fatalf("a read on a full disk answered %d %s", a.status, a.body)
	}

	if mounted {
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
	} else {
		m.server.StageFullDisk(false)
	}
	// Writes resume without a restart, once the tracker has noticed.
	resumed := false
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		a := issue("after")
		if a.status == http.StatusCreated {
			resumed = true
			acknowledged = append(acknowledged, "after")
			break
		}
		if a.status != http.StatusInsufficientStorage && a.status != http.StatusServiceUnavailable {
			t.Fatalf("a write after space was freed answered %d %s", a.status, a.body)
		}
	}
	if !resumed {
		t.Fatal("writes did not resume within a minute of space being freed")
	}
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after space was freed answered %d %s", code, body)
	}
	// Nothing acknowledged is lost.
	var log strings.Builder
	for cursor := "0"; cursor != ""; {
		a := send(t, http.MethodGet, base+"/v1/events?type=token_issued&limit=500&cursor="+cursor, token, nil)
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(a.body), &page); err != nil || a.status != http.StatusOK {
			t.Fatalf("reading the log answered %d %s", a.status, a.body)
		}
		log.WriteString(a.body)
		cursor = page.NextCursor
	}
	for _, label := range acknowledged {
		if !strings.Contains(log.String(), `"label":"`+label+`"`) {
			t.Errorf("the acknowledged write %q is not in the log", label)
		}
	}
}
