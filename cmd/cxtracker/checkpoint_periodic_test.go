package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cxtracker/events"
)

// The background checkpointer takes a checkpoint on its own once so many
// events have come, and once so long has passed with any event: no one
// calls take.
func TestCheckpointsAreTakenInTheBackgroundByCountAndByTime(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		writes int
	}{
		{"every 30 events", func(c *Config) { c.CheckpointEveryEvents, c.CheckpointEvery = 30, 0 }, 70},
		{"every 50 ms", func(c *Config) { c.CheckpointEveryEvents, c.CheckpointEvery = 0, 50*time.Millisecond }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, lines := startLogged(t, t.TempDir(), tc.edit)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			for i := range tc.writes {
				id := events.NewID()
				if _, err := m.Engine().Execute(ctx, events.RegisterPerson{PersonID: id, Name: fmt.Sprintf("Person %d", i), Email: id + "@example.com", Department: "Sales"}, events.Meta{Actor: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			for m.checkpointer.taken.Load() == 0 {
				select {
				case <-ctx.Done():
					t.Fatalf("no checkpoint was taken in the background:\n%s", lines)
				case <-time.After(10 * time.Millisecond):
				}
			}
			if seq := m.checkpointer.seq.Load(); seq == 0 {
				t.Fatalf("a checkpoint was counted but none is at a sequence:\n%s", lines)
			}
			if lines.count("why=periodic") == 0 {
				t.Fatalf("the checkpoint was not taken by the background loop:\n%s", lines)
			}
		})
	}
}
