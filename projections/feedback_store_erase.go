package projections

import (
	"context"
	"fmt"

	"cxtracker/events"
)

// walCheckpointTries is how often an erasure asks SQLite to empty the
// write-ahead log while readers hold it back, each after its busy timeout.
const walCheckpointTries = 5

// eraseLater overwrites, as the change of record seq, the comment of every
// item that names account with events.Erased, and then sees to it that
// the plaintext leaves the files of a store on disk: the transaction is
// committed (the writer connection zeroes the space it frees, see
// secure_delete in openItemStore) and the write-ahead log, which still
// holds the pages as they were, is copied into the database and truncated
// to nothing.
func (s *itemStore) eraseLater(seq uint64, account string) error {
	if err := s.writeLater(seq, func(st itemStmts) error {
		_, err := st.erase.Exec(events.Erased, account)
		return err
	}); err != nil || s.path == "" {
		return err
	}
	return s.later(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.commit() == nil {
			if err := s.truncateWAL(); err != nil {
				_ = s.fail(err)
			}
		}
	})
}

// truncateWAL copies the write-ahead log into the database and empties
// it, trying again while readers hold it back (s.mu held, no transaction
// open).
func (s *itemStore) truncateWAL() error {
	ctx := context.Background()
	for range walCheckpointTries {
		var busy, logPages, done int
		if err := s.writer.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
			return fmt.Errorf("empty the write-ahead log after an erasure: %w", err)
		}
		if busy == 0 {
			return nil
		}
	}
	return fmt.Errorf("empty the write-ahead log after an erasure: readers held it %d times", walCheckpointTries)
}
