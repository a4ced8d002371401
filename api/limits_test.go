package api_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
)

func TestRateLimitIsPerTokenAndIgnoresForwardedFor(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) { d.Limits = &api.Limits{Rate: 0.5, Burst: 3, RequestTimeout: time.Minute} })
	other := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "bi", "grants": []string{"action:read"}}).Map(t)["token"].(string)
	// The admin spent one request on the token above; two are left.
	for i := range 2 {
		a.Must(http.StatusOK, http.MethodGet, "/v1/program", nil, "X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
	}
	r := a.Do(http.MethodGet, "/v1/program", nil, "X-Forwarded-For", "192.0.2.77")
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the fourth request in a burst of three answered %d (Retry-After %q), want 429", r.Status, r.Header.Get("Retry-After"))
	}
	if r := a.DoAs(other, http.MethodGet, "/v1/program", nil); r.Status != http.StatusOK {
		t.Fatalf("another token was limited too: %d", r.Status)
	}
	// Guessing tokens is limited by the caller's address.
	var last int
	for range 5 {
		last = a.DoAs("cxt_guess", http.MethodGet, "/v1/program", nil).Status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("repeated bad tokens answered %d, want 429", last)
	}
}

func TestAnswersCarrySecurityHeaders(t *testing.T) {
	a := startAPI(t)
	for _, r := range []Response{a.Do(http.MethodGet, "/v1/program", nil), a.DoAs("", http.MethodGet, "/v1/program", nil), a.Do(http.MethodGet, "/healthz", nil)} {
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
			if r.Header.Get(h) != want {
				t.Errorf("answer %d: %s is %q, want %q", r.Status, h, r.Header.Get(h), want)
			}
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("answer %d has no strict Content-Security-Policy", r.Status)
		}
	}
}

func TestABodyOfUnknownLengthOverTheLimitIs413(t *testing.T) {
	a := startAPI(t)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"label":"`))
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 40 { // 2.5 MiB, past the 1 MiB limit, with no Content-Length
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Write([]byte(`"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/v1/tokens", pr)
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 2.5 MiB body of unknown length answered %d, want 413", resp.StatusCode)
	}
}

func TestNothingUnderV1IsServedBeforeTheViewsCatchUp(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) {
		d.Serving = func() error { return errors.New("replaying") }
	})
	r := a.Do(http.MethodGet, "/v1/program", nil)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a read before the replay finished answered %d, want 503 with Retry-After", r.Status)
	}
	if r := a.DoAs("", http.MethodGet, "/healthz", nil); r.Status != http.StatusOK {
		t.Fatalf("/healthz answered %d while starting", r.Status)
	}
}
