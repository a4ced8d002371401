package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/api"
)

// A body trickled a byte at a time was read for as long as it took: only
// the headers had a timeout. Now the body must arrive within the request
// timeout, and the server answers 408 and cuts the connection once it has
// not.
func TestATrickledBodyIsCut(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) {
		d.Limits = &api.Limits{RequestTimeout: time.Second}
	})
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	before := a.Engine.LastSeq()
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"label":"` + strings.Repeat("x", 200) + `","grants":["action:read"]}`
	fmt.Fprintf(conn, "POST /v1/tokens HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		u.Host, a.Admin, len(body))

	// One byte every 50 ms: the whole body would take over ten seconds,
	// ten times the request timeout. The trickle stops at the first write
	// that fails, or once the answer has come.
	var sent atomic.Int64
	answered := make(chan struct{})
	go func() {
		for i := range len(body) {
			select {
			case <-answered:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
			sent.Add(1)
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	close(answered)
	if err != nil {
		t.Fatalf("the server closed the connection without an answer: %v", err)
	}
	problem, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := sent.Load(); n >= int64(len(body)) {
		t.Fatalf("the server waited for the whole trickled body (%d bytes) and answered %d", n, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get("Content-Type") != api.ProblemType {
		t.Fatalf("a trickled body answered %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), problem)
	}
	// The connection is done with: the rest of the body is not read as a
	// request of its own.
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatalf("the connection stayed open after the cut (read %d bytes)", n)
	}
	// Nothing was written.
	if last := a.Engine.LastSeq(); last != before {
		t.Fatalf("the log grew from seq %d to %d under the cut request", before, last)
	}
	// A body sent whole is still taken at once.
	a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "prompt", "grants": []string{"action:read"}})
}
