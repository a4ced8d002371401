package jetstream

import "sync/atomic"

// CommitStats counts how the store has committed appends since it opened:
// how many atomic batches, how many appends they carried, and how many
// single-event appends went out as plain publishes. Appends per batch is
// what group commit saves: with SyncAlways each plain publish costs the
// server an fsync, each batch a fixed cost of several.
type CommitStats struct {
	Batches        uint64 `json:"batches"`
	BatchedAppends uint64 `json:"batched_appends"`
	PlainAppends   uint64 `json:"plain_appends"`
}

// commitStats are the live counters behind CommitStats.
type commitStats struct {
	batches, batched, plain atomic.Uint64
}

// batch counts an atomic batch of n appends.
func (c *commitStats) batch(n int) {
	c.batches.Add(1)
	c.batched.Add(uint64(n))
}

// CommitStats reports how the store has committed appends since it opened.
func (s *Store) CommitStats() CommitStats {
	st := &s.batcher.stats
	return CommitStats{Batches: st.batches.Load(), BatchedAppends: st.batched.Load(), PlainAppends: st.plain.Load()}
}
