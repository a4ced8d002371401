package main

import (
	"encoding/json"
	"testing"
	"time"
)

// `cxtracker replay` cuts on both axes: --until by when things happened,
// --known-at by when the log recorded them. On the demo's year, loaded
// today: half a year back shows a council and some of the decisions, not
// all; known at a time before the load, nothing.
func TestReplayCutsByBusinessTimeAndByRecordedTime(t *testing.T) {
	dir := t.TempDir()
	loaded := time.Now().UTC().Add(-time.Second) // stored times are the server's clock
	loadDemoInto(t, dir, "5")
	type state struct {
		AsOf    time.Time `json:"as_of"`
		KnownAt time.Time `json:"known_at"`
		People  []struct {
			ID string `json:"id"`
		} `json:"people"`
		Council struct {
			Members []struct {
				PersonID string `json:"person_id"`
			} `json:"members"`
		} `json:"council"`
		Decisions []struct {
			InitiativeID string `json:"initiative_id"`
		} `json:"decisions"`
	}
	replay := func(args ...string) state {
		t.Helper()
		code, stdout, stderr := cli(t, nil, append([]string{"replay", "--data", dir, "--out", "-"}, args...)...)
		if code != 0 {
			t.Fatalf("replay %v exited %d: %s", args, code, stderr)
		}
		var s state
		if err := json.Unmarshal([]byte(stdout), &s); err != nil {
			t.Fatalf("replay %v: %v", args, err)
		}
		return s
	}
	all := replay()
	half := mustTime(demoAt).AddDate(0, -6, 0)
	then := replay("--until", half.Format(time.RFC3339))
	if len(then.Council.Members) == 0 || len(then.Decisions) == 0 || len(then.Decisions) >= len(all.Decisions) || !then.AsOf.Equal(half) {
		t.Errorf("half a year back: %d seats, %d of %d decisions, as of %s; want a council and some decisions, not all",
			len(then.Council.Members), len(then.Decisions), len(all.Decisions), then.AsOf)
	}
	before := replay("--known-at", loaded.Format(time.RFC3339Nano))
	if len(before.People) != 0 || len(before.Decisions) != 0 || !before.KnownAt.Equal(loaded) {
		t.Errorf("known before the load: %d people, %d decisions, known at %s; want none at %s", len(before.People), len(before.Decisions), before.KnownAt, loaded)
	}
}
