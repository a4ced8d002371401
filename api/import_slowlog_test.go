package api_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// heldLog is a store hook (jetstream.WithWriteCheck, asked before every
// append) that, once armed, holds every append until released: a log that
// is slow to take writes, whatever the machine's load.
type heldLog struct {
	armed          atomic.Bool
	once           sync.Once
	held, released chan struct{}
}

func newHeldLog() *heldLog {
	return &heldLog{held: make(chan struct{}), released: make(chan struct{})}
}

func (h *heldLog) check(after bool) error {
	if !after && h.armed.Load() {
		h.once.Do(func() { close(h.held) })
		<-h.released
	}
	return nil
}

// An import read its body while it appended, so a slow moment of the log
// counted against the body's deadline: a client that had sent its whole
// body at once was answered 408 for the server's slowness. Now only the
// time spent waiting for the client counts. The log here holds every
// append until well past the body's deadline (and the request's time), so
// the lines not yet sent by then are refused as such, and each line's
// answer is what the log did with it.
func TestAPromptImportIsNotCutWhileTheLogIsSlow(t *testing.T) {
	const timeout = 2 * time.Second
	hold := newHeldLog()
	store := jstest.Start(t, jetstream.WithWriteCheck(hold.check))
	a := startAPIOn(t, store, func(d *api.Deps) { d.Limits = &api.Limits{RequestTimeout: timeout} })
	defer func() {
		select {
		case <-hold.released:
		default:
			close(hold.released)
		}
	}()
	m := mapAARRR(t, a)
	// 12,000 lines at one touchpoint: more than the import takes in before
	// its appends under way hold it back (4 appending, 4 waiting, 1000
	// lines each, and 64 KiB read ahead), so the body is still being read
	// when the log is released.
	const n = 12000
	body, _, _ := importBody([]string{m.Touchpoints["Website"]}, n)
	before := a.Engine.LastSeq()

	hold.armed.Store(true)
	type answer struct {
		status int
		header http.Header
		res    api.ImportResult
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		var r answer
		r.status, r.header, r.res, r.err = postImport(t, a, body)
		answered <- r
	}()
	select {
	case <-hold.held:
	case r := <-answered:
		t.Fatalf("answered %d before the log was asked to append anything", r.status)
	}
	// The body's deadline falls within timeout of the request's start,
	// which came before the first append was held.
	time.Sleep(timeout + timeout/2)
	close(hold.released)
	r := <-answered
	if r.err != nil {
		t.Fatalf("answered %d, unreadable: %v", r.status, r.err)
	}
	if r.status != http.StatusOK {
		t.Fatalf("a body sent at once answered %d while the log was slow, want 200", r.status)
	}
	res := r.res
	if res.Received != n || res.Logged+res.Rejected != n || res.Logged == 0 {
		t.Fatalf("received %d, logged %d, rejected %d of %d lines", res.Received, res.Logged, res.Rejected, n)
	}
	for _, e := range res.Errors {
		if !strings.Contains(e.Message, "time ran out before this line was sent") {
			t.Fatalf("line %d was refused for %q, want the request's time running out", e.Line, e.Message)
		}
	}
	// What the answer says was logged is what the log holds: a line
	// refused wrote nothing.
	if grew := logGrowth(t, a, before); grew != res.Logged {
		t.Fatalf("the log took %d events, the answer says %d lines were logged", grew, res.Logged)
	}
}
