package main

import (
	"context"
	"io"

	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// readLog opens an existing log for a command that replays it (verify,
// report, replay), never creating one, and calls read with the store and a
// progress line sized to the log; the log is closed when read returns.
func readLog(ctx context.Context, cfg Config, stderr io.Writer, label string, read func(events.Store, *progress) error) error {
	m := NewMain(cfg, nil)
	defer m.Close()
	if err := m.openLog(ctx, jetstream.OpenOnly()); err != nil {
		return err
	}
	// Personal fields are opened with the subjects' keys; a log that never
	// kept one has no bucket, and holds no sealed field to open.
	_, _ = m.store.Keys(ctx)
	last, err := m.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	return read(m.store, newProgress(stderr, label, last))
}
