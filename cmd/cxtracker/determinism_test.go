package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cxtracker/events"
)

// seedProgram writes, through a Main on dir, people in council seats and
// crews, and initiatives the council decided: enough that any order taken
// from a map would show in a report or a replay.
func seedProgram(t *testing.T, dir string) {
	t.Helper()
	m := startMain(t, func(c *Config) { c.Data = dir })
	ctx := context.Background()
	do := func(cmds ...events.Command) {
		t.Helper()
		for _, c := range cmds {
			if _, err := m.Engine().Execute(ctx, c, events.Meta{Actor: "test"}); err != nil {
				t.Fatalf("%T: %v", c, err)
			}
		}
	}
	var people []string
	for i := range 8 {
		id := events.NewID()
		people = append(people, id)
		do(events.RegisterPerson{PersonID: id, Name: fmt.Sprintf("Person %d", i), Email: id + "@example.com", Department: "Claims"})
	}
	do(events.SeatMember{PersonID: people[0], Department: "Claims", Chair: true}, events.SeatMember{PersonID: people[1], Department: "Claims"})
	for i, typ := range []string{events.CrewExperience, events.CrewPlatform, events.CrewCapability, events.CrewGovernance} {
		crew := events.NewID()
		do(events.FormCrew{CrewID: crew, Name: fmt.Sprintf("Crew %d", i), Type: typ, Purpose: "purpose"},
			events.JoinCrew{CrewID: crew, PersonID: people[i+2], Role: events.RoleLead})
	}
	for i := range 3 {
		ini := events.NewID()
		do(events.ProposeInitiative{InitiativeID: ini, Title: fmt.Sprintf("Initiative %d", i), Problem: "a problem", ProposedBy: people[1]},
			events.DecideInitiative{InitiativeID: ini, DecidedBy: people[0], Outcome: events.OutcomeApproved, Rationale: "weighed"})
	}
	if err := m.Projector().WaitFor(ctx, m.Engine().LastSeq()); err != nil {
		t.Fatal(err)
	}
	m.Close()
}

// The council report in each format, and `replay --out`, write the same
// bytes each time they are run on the same log; their default end of the
// period ("now") is the pinned clock's.
func TestReportAndReplayWriteTheSameBytesEveryRun(t *testing.T) {
	dir := t.TempDir()
	seedProgram(t, dir)
	clock := events.FixedClock(time.Now())
	cmd := func(args ...string) []byte {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := runAt(clock, args, func(string) string { return "" }, &stdout, &stderr); code != 0 {
			t.Fatalf("%v exited %d: %s", args, code, stderr.String())
		}
		return stdout.Bytes()
	}
	replay := func(run int) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), fmt.Sprintf("state-%d.json", run))
		cmd("replay", "--data", dir, "--out", out)
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	build := func(run int) map[string][]byte {
		out := map[string][]byte{"replay --out": replay(run)}
		for _, format := range []string{"md", "csv", "json"} {
			out["report --format "+format] = cmd("report", "--data", dir, "--from", "2020-01-01T00:00:00Z", "--format", format)
		}
		return out
	}
	first := build(0)
	if !bytes.Contains(first["replay --out"], []byte(`"as_of": "`+clock.Now().Format(time.RFC3339Nano)+`"`)) {
		t.Errorf("replay without --until is not as of the clock's now %s:\n%s", clock.Now().Format(time.RFC3339Nano), first["replay --out"])
	}
	for run := 1; run <= 2; run++ {
		for name, b := range build(run) {
			if !bytes.Equal(b, first[name]) {
				t.Fatalf("%s wrote different bytes on run %d of the same log:\n%s\n---\n%s", name, run+1, first[name], b)
			}
		}
	}
}
