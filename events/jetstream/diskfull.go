package jetstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"cxtracker/events"
)

// A store write that fails (a full disk, most often) leaves nats-server's
// file store with a sticky write error: from then on the CX stream refuses
// every write without answering, until the stream is opened again from
// disk. The embedded server watches for it here, says so at once (Append
// answers events.ErrInsufficientStorage instead of waiting for an answer
// that never comes), and once a probe file can be written again, restarts
// JetStream, which opens the stream afresh from its files; the failed
// writes were never acknowledged, so nothing acknowledged is lost.

// storageProbe is how many bytes must be writable before JetStream is
// restarted: a little more than the largest event, so that the first write
// after is not refused again at once.
const storageProbe = 2 << 20

// WritesFailing reports why the CX stream refuses writes, or nil. With
// check it asks the server now; else it answers what was last seen.
func (s *Server) WritesFailing(check bool) error {
	if check {
		s.checkWrites()
	}
	if p := s.writeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// StageFullDisk makes the server behave, for a test that cannot fill a real
// disk (no tmpfs without root), as if its disk were full (on) or had room
// again: the stream reports a write error and the space probe fails until
// it is called with false. Nothing outside tests calls it.
func (s *Server) StageFullDisk(on bool) {
	s.stagedFull.Store(on)
	if on {
		s.checkWrites()
	}
}

// errStagedFull is the staged full disk's write error.
var errStagedFull = errors.New("no space left on device (staged)")

// checkWrites asks the server whether the CX stream has a write error and
// keeps the answer.
func (s *Server) checkWrites() {
	if s.stagedFull.Load() {
		err := fmt.Errorf("%w: %v", events.ErrInsufficientStorage, errStagedFull)
		s.writeErr.Store(&err)
		return
	}
	h := s.ns.Healthz(&server.HealthzOptions{Details: true})
	for _, e := range h.Errors {
		if e.Type == server.HealthzErrorStream && e.Stream == StreamName && strings.Contains(e.Error, "write error") {
			err := fmt.Errorf("%w: %s", events.ErrInsufficientStorage, e.Error)
			s.writeErr.Store(&err)
			return
		}
	}
	s.writeErr.Store(nil)
}

// WatchWrites checks the stream every interval until ctx ends, and mends a
// write error once the data directory takes writes again.
func (s *Server) WatchWrites(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.WritesFailing(true) == nil {
			continue
		}
		if s.stagedFull.Load() {
			continue
		}
		if err := probeWrite(s.dir, storageProbe); err != nil {
			continue
		}
		log.Warn("the data directory takes writes again: restarting JetStream to reopen the event log")
		if err := s.reopenJetStream(); err != nil {
			log.Error("JetStream could not be restarted; writes keep failing", "err", err)
			continue
		}
		if s.WritesFailing(true) == nil {
			log.Info("the event log takes writes again")
		}
	}
}

// reopenJetStream shuts JetStream down, keeping its files, and starts it
// again with the same configuration, which opens the stream from disk.
func (s *Server) reopenJetStream() error {
	cfg := s.ns.JetStreamConfig()
	if cfg == nil {
		return errors.New("JetStream is not running")
	}
	if err := s.ns.ShutdownJetStream(); err != nil {
		return err
	}
	// The running config's StoreDir has the server's jetstream directory
	// added to it already, which EnableJetStream adds again.
	cfg.StoreDir = s.dir
	return s.ns.EnableJetStream(cfg)
}

// probeWrite writes and syncs n bytes in dir, and removes them.
func probeWrite(dir string, n int) error {
	f, err := os.CreateTemp(dir, ".space-check-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Write(make([]byte, n)); err != nil {
		return err
	}
	return f.Sync()
}
