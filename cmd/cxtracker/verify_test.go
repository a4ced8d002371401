package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// seedLog writes a few people through a Main on dir and answers the digest
// after each event, by sequence, and the sequence of the person named marker.
func seedLog(t *testing.T, dir, marker string) (map[uint64]events.Digest, uint64) {
	t.Helper()
	m := startMain(t, func(c *Config) { c.Data = dir })
	ctx := context.Background()
	var markedSeq uint64
	for i := range 6 {
		name := fmt.Sprintf("Person %d", i)
		if i == 3 {
			name = marker
		}
		id := events.NewID()
		// The marker is the department, which is not personal data: a
		// name is sealed in the log (events/personal.go).
		res, err := m.Engine().Execute(ctx, events.RegisterPerson{PersonID: id, Name: "Person", Email: id + "@example.com", Department: name}, events.Meta{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			markedSeq = res.Appended.LastSeq
		}
	}
	digests := map[uint64]events.Digest{}
	var d events.Digest
	if err := m.Store().Read(ctx, events.FromSeq(1), func(r events.Record) error {
		d = d.Next(r)
		digests[r.Seq] = d
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.Projector().WaitFor(ctx, d.Seq); err != nil {
		t.Fatal(err)
	}
	if d != m.Projector().Digest() {
		t.Fatalf("the projector's digest %s differs from the log's %s", m.Projector().Digest(), d)
	}
	m.Close()
	return digests, markedSeq
}

func runVerify(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(append([]string{"verify"}, args...), func(string) string { return "" }, &out, &errs)
	return code, out.String(), errs.String()
}

func TestVerifyPassesAnUntouchedLogAndItsDigests(t *testing.T) {
	dir := t.TempDir()
	digests, _ := seedLog(t, dir, "Untouched")
	last := digests[uint64(len(digests))]
	code, out, errs := runVerify(t, "--data", dir, "--digest", digests[2].String(), "--digest", last.String())
	if code != 0 || !strings.Contains(out, last.Hex()) {
		t.Fatalf("verify answered %d: %s %s", code, out, errs)
	}
}

func TestVerifyNamesTheFirstSequenceThatDiffers(t *testing.T) {
	t.Run("a digest that does not match", func(t *testing.T) {
		dir := t.TempDir()
		digests, _ := seedLog(t, dir, "Honest")
		wrong := digests[4]
		wrong.Sum[0] ^= 1
		code, _, errs := runVerify(t, "--data", dir, "--digest", digests[2].String(), "--digest", wrong.String())
		if code != 1 || !strings.Contains(errs, "from 3 to 4") {
			t.Fatalf("verify answered %d: %s", code, errs)
		}
	})
	t.Run("a message altered on disk", func(t *testing.T) {
		dir := t.TempDir()
		const marker = "Zephyrine Altered"
		_, seq := seedLog(t, dir, marker)
		jstest.Damage(t, dir, marker)
		code, _, errs := runVerify(t, "--data", dir)
		if code != 1 || !strings.Contains(errs, fmt.Sprintf("seq %d is missing", seq)) {
			t.Fatalf("verify answered %d, want it to name seq %d: %s", code, seq, errs)
		}
	})
	t.Run("no log there", func(t *testing.T) {
		code, _, errs := runVerify(t, "--data", t.TempDir())
		if code != 1 || !strings.Contains(errs, "no CX event log") {
			t.Fatalf("verify of an empty directory answered %d: %s", code, errs)
		}
	})
}

func TestASecondServerCannotOpenTheSameDataDirectory(t *testing.T) {
	m := startMain(t, nil)
	var errs bytes.Buffer
	code := run([]string{"serve", "--data", m.Config.Data, "--http", "127.0.0.1:0"}, func(string) string { return "" }, io.Discard, &errs)
	if code != 1 || !strings.Contains(errs.String(), "in use by another cxtracker") {
		t.Fatalf("a second server on the same directory answered %d: %s", code, errs.String())
	}
}

func TestReportCommandReplaysTheLog(t *testing.T) {
	dir := t.TempDir()
	digests, _ := seedLog(t, dir, "Reported")
	last := digests[uint64(len(digests))]
	var out, errs bytes.Buffer
	code := run([]string{"report", "--data", dir, "--from", "2020-01-01T00:00:00Z"}, func(string) string { return "" }, &out, &errs)
	if code != 0 || !strings.Contains(out.String(), "# Quality council report") || !strings.Contains(out.String(), last.Hex()) {
		t.Fatalf("report answered %d: %s %s", code, out.String(), errs.String())
	}
	if !strings.Contains(errs.String(), "replaying") {
		t.Errorf("no progress was shown: %q", errs.String())
	}
	out.Reset()
	if code := run([]string{"report", "--data", dir, "--from", "2020-01-01T00:00:00Z", "--format", "json"}, func(string) string { return "" }, &out, io.Discard); code != 0 || !strings.Contains(out.String(), `"events_read"`) {
		t.Fatalf("json report answered %d: %s", code, out.String())
	}
	for _, bad := range [][]string{{"report", "--data", dir}, {"report", "--data", dir, "--from", "soon"}, {"report", "--data", dir, "--from", "2020-01-01T00:00:00Z", "--format", "pdf"}} {
		var e bytes.Buffer
		if code := run(bad, func(string) string { return "" }, io.Discard, &e); code != 2 {
			t.Errorf("%v answered %d, want 2: %s", bad, code, e.String())
		}
	}
}

func TestReplayWritesTheProgramAsItStood(t *testing.T) {
	dir := t.TempDir()
	seedLog(t, dir, "Replayed Person")
	out := filepath.Join(t.TempDir(), "state.json")
	var errs bytes.Buffer
	if code := run([]string{"replay", "--data", dir, "--out", out}, func(string) string { return "" }, io.Discard, &errs); code != 0 {
		t.Fatalf("replay answered %d: %s", code, errs.String())
	}
	raw, _ := os.ReadFile(out)
	var snap struct {
		People []struct {
			Name string `json:"name"`
		} `json:"people"`
		Digest struct {
			Seq uint64 `json:"seq"`
		} `json:"digest"`
	}
	if err := json.Unmarshal(raw, &snap); err != nil || len(snap.People) != 6 || snap.Digest.Seq != 7 || !strings.Contains(string(raw), "Replayed Person") {
		t.Fatalf("state %s (%v)", raw, err)
	}
	var before bytes.Buffer
	if code := run([]string{"replay", "--data", dir, "--out", "-", "--until", "2020-01-01T00:00:00Z"}, func(string) string { return "" }, &before, io.Discard); code != 0 || !strings.Contains(before.String(), `"people": []`) {
		t.Fatalf("the state in 2020 was %s", before.String())
	}
}
