package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events/jetstream"
)

// openStream opens GET /v1/events/stream with token and, when it is the
// stream, reads until its first event, so that the stream's consumer is
// known to exist. It never fails the test itself, so that goroutines may
// call it; the caller closes the body.
func openStream(ctx context.Context, client *http.Client, url, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/events/stream", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp, nil
	}
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "id: ") {
			return resp, nil
		}
	}
	resp.Body.Close()
	return nil, fmt.Errorf("the stream ended before its first event: %v", lines.Err())
}

// waitNoStreams waits until every stream's handler has returned, which it
// does only once the stream's consumer is deleted.
func waitNoStreams(t *testing.T, a *testAPI) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); a.Server.OpenStreams() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d event streams still open after their clients left", a.Server.OpenStreams())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func consumers(t *testing.T, a *testAPI) int {
	t.Helper()
	n, err := a.Store.(*jetstream.Store).Consumers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Before the fix each stream left its consumer on the server for five
// minutes: the 1,001st stream found the stream's consumer limit (1,000)
// reached, and with it every audit read answered 503.
func TestStreamChurnLeavesNoConsumerBehind(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) {
		d.Limits = &api.Limits{RequestTimeout: 30 * time.Second, StreamsPerToken: 64, Streams: 64}
	})
	before := consumers(t, a)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// The audit log is read all along the churn, by another client.
	stop := make(chan struct{})
	var reads, refused atomic.Int64
	var lastRefusal atomic.Value
	var readers sync.WaitGroup
	readers.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/v1/events?limit=5", nil)
			req.Header.Set("Authorization", "Bearer "+a.Admin)
			resp, err := client.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					refused.Add(1)
					lastRefusal.Store(err.Error())
				}
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			reads.Add(1)
			if resp.StatusCode != http.StatusOK {
				refused.Add(1)
				lastRefusal.Store(fmt.Sprintf("%d %s", resp.StatusCode, body))
			}
		}
	})

	const total, batch = 2000, 50
	for opened := 0; opened < total; opened += batch {
		var wg sync.WaitGroup
		errs := make(chan error, batch)
		for range batch {
			wg.Go(func() {
				resp, err := openStream(ctx, client, a.URL, a.Admin)
				switch {
				case err != nil:
					errs <- err
				case resp.StatusCode != http.StatusOK:
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					errs <- fmt.Errorf("a stream answered %d %s", resp.StatusCode, body)
				default:
					resp.Body.Close()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("after %d streams: %v", opened, err)
		}
		// And between batches, through the harness, whose answers are
		// checked against the OpenAPI document.
		a.Must(http.StatusOK, http.MethodGet, "/v1/events?limit=1", nil)
		// A client that has closed its stream may not have been seen to go
		// yet: the next batch starts once every handler has returned, so
		// the caps (64 here) never refuse it on a busy machine.
		waitNoStreams(t, a)
	}
	close(stop)
	readers.Wait()
	if n := refused.Load(); n > 0 {
		t.Fatalf("%d of %d audit reads during the churn failed, the last: %v", n, reads.Load(), lastRefusal.Load())
	}
	if reads.Load() == 0 {
		t.Fatal("no audit read ran during the churn")
	}
	waitNoStreams(t, a)
	if after := consumers(t, a); after != before {
		t.Fatalf("the CX stream had %d consumers before %d streams came and went, %d after", before, total, after)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events", nil)
}

func TestEventStreamsAreCappedPerTokenAndInTotal(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) {
		d.Limits = &api.Limits{RequestTimeout: 30 * time.Second, StreamsPerToken: 2, Streams: 3}
	})
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "dashboard", "grants": []string{"action:read"}})
	var other struct {
		Token string `json:"token"`
	}
	issued.JSON(t, &other)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	open := func(token string) *http.Response {
		t.Helper()
		resp, err := openStream(ctx, client, a.URL, token)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	refused := func(resp *http.Response, cap string) {
		t.Helper()
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
			resp.Header.Get("Content-Type") != api.ProblemType || !strings.Contains(string(body), cap) {
			t.Fatalf("a stream over the %s cap answered %d (Retry-After %q): %s", cap, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}

	first, second := open(a.Admin), open(a.Admin)
	defer second.Body.Close()
	// The third stream of one token is refused, through the harness so that
	// the answer is checked against the document too.
	if r := a.Stream(ctx, "/v1/events/stream"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a token's third stream answered %d", r.StatusCode)
	}
	mine := open(other.Token)
	defer mine.Body.Close()
	if mine.StatusCode != http.StatusOK {
		t.Fatalf("another token's first stream answered %d", mine.StatusCode)
	}
	// Three are open: the server's cap refuses a fourth, whichever token.
	refused(open(other.Token), "server")
	// A stream that ends gives its slot back.
	first.Body.Close()
	for deadline := time.Now().Add(30 * time.Second); a.Server.OpenStreams() > 2; {
		if time.Now().After(deadline) {
			t.Fatal("a closed stream kept its slot")
		}
		time.Sleep(10 * time.Millisecond)
	}
	again := open(other.Token)
	defer again.Body.Close()
	if again.StatusCode != http.StatusOK {
		t.Fatalf("a stream after one closed answered %d", again.StatusCode)
	}
	refused(open(other.Token), "token")
}
