package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// copyStore copies the feedback item store's files from one data directory
// to another place (or back); a file that is not there is removed at the
// destination.
func copyStore(t *testing.T, fromDir, toDir string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		from, to := filepath.Join(fromDir, projections.ItemStoreFile+suffix), filepath.Join(toDir, projections.ItemStoreFile+suffix)
		raw, err := os.ReadFile(from)
		if os.IsNotExist(err) {
			if err := os.Remove(to); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// execute runs one command through m's engine and waits for the views.
func execute(t *testing.T, m *Main, cmd events.Command) {
	t.Helper()
	if _, err := m.Engine().Execute(context.Background(), cmd, events.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Projector().WaitFor(context.Background(), m.Engine().LastSeq()); err != nil {
		t.Fatal(err)
	}
}

// The feedback item store is a projection: a start from a checkpoint older
// than the store replays the tail without writing the store again, one
// with the store behind it (an older copy of its file) brings it up from
// the log, and one with the store gone rebuilds it; each answers every read
// as the tracker did before, items, follow-ups opened and closed, and lists
// alike.
func TestTheFeedbackItemStoreAheadOfBehindOrWithoutTheCheckpointAnswersAsBefore(t *testing.T) {
	t.Parallel()
	dir, old := t.TempDir(), t.TempDir()
	loadDemoInto(t, dir, "11")
	copyStore(t, dir, old)
	demo, _ := checkpointsIn(t, dir)

	m, _ := startLogged(t, dir, nil)
	token := adminTokenOf(t, m)
	items, _ := m.views.Feedback.List(projections.FeedbackFilter{FollowUp: projections.FollowUpNone}, "", 1)
	if len(items) == 0 {
		t.Fatal("the demo logged no feedback")
	}
	tp := items[0].TouchpointID
	var ids []string
	for i := range 3 {
		id := events.NewID()
		ids = append(ids, id)
		execute(t, m, events.LogFeedback{FeedbackID: id, TouchpointID: tp, Metric: events.MetricNPS, Score: i, Source: "survey", Comment: "late"})
		execute(t, m, events.OpenFollowUp{FeedbackID: id, Note: "call"})
	}
	execute(t, m, events.OpenFollowUp{FeedbackID: items[0].ID, Note: "call back"})
	execute(t, m, events.CloseFollowUp{FeedbackID: ids[1], ActionTaken: "called", CustomerInformed: true})
	execute(t, m, events.CloseFollowUp{FeedbackID: items[0].ID, ActionTaken: "refunded"})
	want := getAll(t, m, token)
	m.Close()

	for _, tc := range []struct {
		name   string
		leave  func()
		behind bool
	}{
		// The store holds what the demo's checkpoint is followed by.
		{"ahead", func() {
			deleteCheckpoints(t, dir, func(i jetstream.CheckpointInfo) bool { return i.Seq > demo[0].Seq })
		}, false},
		{"behind", func() { copyStore(t, old, dir) }, true},
		{"gone", func() { copyStore(t, t.TempDir(), dir) }, true},
	} {
		tc.leave()
		m, lines := startLogged(t, dir, nil)
		if tail := m.Projector().Applied() > 0; tail == tc.behind || (lines.count("behind the checkpoint") == 1) != tc.behind {
			t.Fatalf("%s: a start replayed %d events, and the store was brought up %d times:\n%s", tc.name, m.Projector().Applied(), lines.count("behind the checkpoint"), lines)
		}
		for _, id := range append(ids, items[0].ID) {
			if it, ok := m.views.Feedback.Item(id); !ok || it.FollowUp == nil {
				t.Fatalf("%s: item %s is %+v, %t; want it with its follow-up", tc.name, id, it, ok)
			}
		}
		got := getAll(t, m, token)
		for path, body := range want {
			if got[path] != body {
				t.Errorf("%s: GET %s answers differently:\nbefore %.300s\nafter  %.300s", tc.name, path, body, got[path])
			}
		}
		m.Close()
	}
}
