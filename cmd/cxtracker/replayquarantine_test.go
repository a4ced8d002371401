package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

// report and replay skip a record that cannot be applied, as the projector
// does: they still write their output, and warn on stderr naming it.
func TestReportAndReplayGoOnPastAQuarantinedRecord(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	register := func(name string) uint64 {
		id := events.NewID()
		res, err := m.Engine().Execute(context.Background(), events.RegisterPerson{PersonID: id, Name: name, Email: id + "@example.com", Department: "Claims"}, events.Meta{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Appended.LastSeq
	}
	register("Before Junk")
	junk := publishRaw(t, m, "cx.person."+events.NewID()+".person_registered", []byte(`{"x":1}`))
	last := register("After Junk")
	if err := m.Projector().WaitFor(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	m.Close()
	named := fmt.Sprintf("seq %d (cx.person.", junk)

	var out, errs bytes.Buffer
	code := run([]string{"report", "--data", dir, "--from", "2020-01-01T00:00:00Z", "--format", "json"}, func(string) string { return "" }, &out, &errs)
	var r struct {
		EventsRead uint64 `json:"events_read"`
	}
	if code != 0 || json.Unmarshal(out.Bytes(), &r) != nil || r.EventsRead != last {
		t.Fatalf("report answered %d, %s (%s); want the report read to seq %d", code, out.String(), errs.String(), last)
	}
	if !strings.Contains(errs.String(), "warning: the output lacks what was quarantined") || !strings.Contains(errs.String(), named) {
		t.Errorf("report's stderr %q does not name the quarantined seq %d", errs.String(), junk)
	}

	out.Reset()
	errs.Reset()
	code = run([]string{"replay", "--data", dir, "--out", "-"}, func(string) string { return "" }, &out, &errs)
	var snap projections.Snapshot
	if code != 0 || json.Unmarshal(out.Bytes(), &snap) != nil || len(snap.People) != 2 || snap.Digest.Seq != last {
		t.Fatalf("replay answered %d, %s (%s); want both people, to seq %d", code, out.String(), errs.String(), last)
	}
	if !strings.Contains(errs.String(), "warning: the output lacks what was quarantined") || !strings.Contains(errs.String(), named) {
		t.Errorf("replay's stderr %q does not name the quarantined seq %d", errs.String(), junk)
	}
}
