package jetstream_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

func TestAppendsSurviveARestartOnTheSameDirectory(t *testing.T) {
	dir := t.TempDir()
	srv := jstest.Server(t, dir)
	st := jstest.Open(t, srv)
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	res := mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 5)...)
	before := readAll(t, st)
	st.Close()
	srv.Shutdown()

	st = jstest.Open(t, jstest.Server(t, dir))
	after := readAll(t, st)
	if len(after) != len(before) {
		t.Fatalf("after restart the log holds %d events, before it held %d", len(after), len(before))
	}
	for i := range after {
		if string(after[i].Raw) != string(before[i].Raw) || after[i].Seq != before[i].Seq {
			t.Fatalf("event at seq %d changed across the restart", before[i].Seq)
		}
	}
	// The aggregate's expectation still holds after the restart.
	mustAppend(t, st, agg, events.ExpectSeq(res.LastSeq), testEvent(t, agg, "renamed", 6))
}

// appenderEnv names the data directory of the child process that appends
// until it is killed.
const appenderEnv = "CXTRACKER_TEST_APPENDER_DIR"

// TestHelperAppender is not a test by itself: it is the child process of
// TestKilledWriterLosesNoAcknowledgedAppend, appending 3-event appends from
// several goroutines and printing each acknowledged aggregate.
func TestHelperAppender(t *testing.T) {
	dir := os.Getenv(appenderEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestKilledWriterLosesNoAcknowledgedAppend")
	}
	st := jstest.Open(t, jstest.Server(t, dir))
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
				if _, err := st.Append(context.Background(), agg, events.ExpectNew(), testEvents(t, agg, 1, 3)...); err != nil {
					continue
				}
				mu.Lock()
				fmt.Fprintf(out, "ACK %s\n", agg.ID)
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestKilledWriterLosesNoAcknowledgedAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppender$", "-test.count=1")
	cmd.Env = append(os.Environ(), appenderEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	lines := bufio.NewScanner(stdout)
	for len(acked) < 300 && lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "ACK "); ok {
			acked[id] = true
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-append
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("the child acknowledged only %d appends before it stopped", len(acked))
	}

	st := jstest.Open(t, jstest.Server(t, dir))
	perAggregate := map[string]int{}
	for _, r := range readAll(t, st) {
		perAggregate[r.Event.Subject]++
	}
	for id := range acked {
		if n := perAggregate["crew/"+id]; n != 3 {
			t.Errorf("acknowledged append to crew %s has %d of its 3 events after the kill", id, n)
		}
	}
	for subj, n := range perAggregate {
		if n != 3 {
			t.Errorf("%s holds %d events: an append was split by the kill", subj, n)
		}
	}
	t.Logf("%d appends acknowledged before SIGKILL, %d stored", len(acked), len(perAggregate))
}
