package jetstream

import "sync/atomic"

// CommitStats counts how the store has committed appends since it opened,
// as each is answered: how many atomic batches, how many appends they
// carried, and how many single-event appends went out as plain publishes
// (on a stream without atomic publish, each event of an append of several
// counts as one). Appends per batch is what group commit saves: with
// SyncAlways each plain publish costs the server an fsync, each batch a
// fixed cost of several. Appends settled after a lost answer count as
// committed the way their settling went; appends that fail count nowhere.
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

// one counts an append committed on its own: plainly if it is one event, as
// a batch of its own if several.
func (c *commitStats) one(events int) {
	if events == 1 {
		c.plain.Add(1)
		return
	}
	c.batch(1)
}

// CommitStats reports how the store has committed appends since it opened.
func (s *Store) CommitStats() CommitStats {
	st := &s.stats
	return CommitStats{Batches: st.batches.Load(), BatchedAppends: st.batched.Load(), PlainAppends: st.plain.Load()}
}
