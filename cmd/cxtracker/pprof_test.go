package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestProfilesAreServedOnLoopbackOnly: --pprof's address must be
// loopback, and there the heap profile answers with the runtime's memory
// figures.
func TestProfilesAreServedOnLoopbackOnly(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060", "localhost"} {
		if _, closeIt, err := servePprof(addr, log); err == nil {
			closeIt()
			t.Errorf("%q was taken", addr)
		}
	}
	addr, closeIt, err := servePprof("127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIt()
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "# HeapInuse = ") {
		t.Errorf("%d: %.200s", resp.StatusCode, body)
	}
}
