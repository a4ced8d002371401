package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"cxtracker/events/jetstream"
)

// LogRecordFile, under the data directory, records which event log the
// directory holds: the CX stream's creation time and the last sequence seen
// in it. A start that finds that log gone, replaced or shorter refuses,
// rather than carry on with a new empty log as if nothing had been lost.
const LogRecordFile = "log.json"

// logRecordEvery is how often a running tracker brings the record up to
// date. It reads the stream's info, off the write path, so appends never
// wait for it; the record may lag the log, never lead it.
const logRecordEvery = 30 * time.Second

// openRecordedLog opens the log as openLog does and checks it against the
// data directory's record: with a record, the stream must exist (it is
// never created then), have the recorded creation time and reach at least
// the recorded sequence. It then keeps the record up to date until Close.
// Without a data directory (possible with --nats-url) nothing is recorded.
func (m *Main) openRecordedLog(ctx context.Context, opts ...jetstream.Option) error {
	if m.Config.Data == "" {
		return m.openLog(ctx, opts...)
	}
	// Connected first, so that a bad --data is the embedded server's one
	// clear error.
	if err := m.connect(ctx); err != nil {
		return err
	}
	path := filepath.Join(m.Config.Data, LogRecordFile)
	rec, err := readLogRecord(path)
	if err != nil {
		return err
	}
	// A directory with an admin token but no record comes from a release
	// that kept no record: it held a log all the same.
	token := filepath.Join(m.Config.Data, AdminTokenFile)
	_, err = os.Stat(token)
	hadLog := err == nil
	if rec != nil || hadLog {
		opts = append(opts, jetstream.ExistingStream())
	}
	if err := m.openStore(ctx, opts...); err != nil {
		switch {
		case !errors.Is(err, jetstream.ErrNoStream):
			return err
		case rec != nil:
			return fmt.Errorf("the event log is gone: %s records stream %s created %s holding %d events, but there is no %s stream; refusing to start a new one (restore the log, or give another --data)",
				path, rec.Stream, stamp(rec.Created), rec.LastSeq, jetstream.StreamName)
		default:
			return fmt.Errorf("the event log is gone: %s shows this directory held one, but there is no %s stream; refusing to start a new one (restore the log, or give another --data)",
				token, jetstream.StreamName)
		}
	}
	have, err := m.store.Identity(ctx)
	if err != nil {
		return fmt.Errorf("read the event log's identity: %w", err)
	}
	if rec != nil {
		if err := sameLog(path, *rec, have); err != nil {
			return err
		}
		m.logKnown = true
	}
	if err := os.MkdirAll(m.Config.Data, 0o750); err != nil { // with --nats-url nothing else may have made it
		return fmt.Errorf("log record: %w", err)
	}
	if err := writeLogRecord(path, have); err != nil {
		return err
	}
	m.recorder = &logRecorder{path: path, store: m.store, log: m.Logger, last: have, stop: make(chan struct{}), done: make(chan struct{})}
	go m.recorder.run()
	return nil
}

// sameLog says how have differs from the recorded log, or nil when it is
// that log, perhaps grown.
func sameLog(path string, rec, have jetstream.Identity) error {
	switch {
	case !have.Created.Equal(rec.Created):
		return fmt.Errorf("the event log was replaced: %s records stream %s created %s, but the %s stream here was created %s and holds %d events; refusing to start on it (restore the log, or give another --data)",
			path, rec.Stream, stamp(rec.Created), have.Stream, stamp(have.Created), have.LastSeq)
	case have.LastSeq < rec.LastSeq:
		return fmt.Errorf("the event log is shorter than recorded: %s records stream %s up to sequence %d, but it ends at %d; refusing to start on it (restore the log, or remove %s to accept it as it is)",
			path, rec.Stream, rec.LastSeq, have.LastSeq, LogRecordFile)
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// readLogRecord is the record at path, or nil when there is none.
func readLogRecord(path string) (*jetstream.Identity, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("log record: %w", err)
	}
	var rec jetstream.Identity
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Stream == "" || rec.Created.IsZero() {
		return nil, fmt.Errorf("%s does not record an event log (%v); restore it, or give another --data", path, err)
	}
	return &rec, nil
}

// writeLogRecord replaces the record at path atomically: a crash leaves
// the old record or the new one, never a torn one.
func writeLogRecord(path string, id jetstream.Identity) error {
	raw, err := json.MarshalIndent(id, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+LogRecordFile+"-*")
	if err != nil {
		return fmt.Errorf("log record: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	_, err = f.Write(append(raw, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("log record: %w", err)
	}
	// The rename is durable only once the directory is synced.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("log record: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("log record: %w", err)
	}
	return nil
}

// logRecorder keeps the data directory's record up to date while the
// tracker runs.
type logRecorder struct {
	path  string
	store *jetstream.Store
	log   *slog.Logger
	mu    sync.Mutex
	last  jetstream.Identity
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func (r *logRecorder) run() {
	defer close(r.done)
	t := time.NewTicker(logRecordEvery)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.update()
		}
	}
}

// update records the log as it is now. A log that no longer matches the
// record (replaced or shortened under the running tracker) is logged and
// never recorded, so the next start refuses it.
func (r *logRecorder) update() {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	have, err := r.store.Identity(ctx)
	if err != nil {
		r.log.Warn("the log record was not brought up to date", "err", err)
		return
	}
	if have.Created.Equal(r.last.Created) && have.LastSeq == r.last.LastSeq {
		return
	}
	if err := sameLog(r.path, r.last, have); err != nil {
		r.log.Error("the event log changed under the tracker", "err", err)
		return
	}
	if err := writeLogRecord(r.path, have); err != nil {
		r.log.Warn("the log record was not brought up to date", "err", err)
		return
	}
	r.last = have
}

// close stops the periodic updates and records the log a last time.
func (r *logRecorder) close() {
	r.once.Do(func() {
		close(r.stop)
		<-r.done
		r.update()
	})
}
