package projections

import "sync"

// handoffLimit bounds the records a replay's reading goroutine may be
// ahead of its applying one: enough to keep both busy, few enough that
// memory does not follow the log.
const handoffLimit = 2048

// handoff passes a replay's records, in order, from the goroutine that
// reads them to the one that applies them. The applying goroutine takes
// all that has come at once, so a busy replay pays for one wake-up per
// batch, not per record, while a quiet one (a follower) gets each record
// as soon as it is put.
type handoff struct {
	mu   sync.Mutex
	more sync.Cond // records came, or the reading ended
	room sync.Cond // records were taken, or the applying failed
	// queue holds the records put and not taken yet.
	queue  []inspected
	closed bool
	// err is the applying goroutine's failure: every put then answers it,
	// so that the reading stops.
	err error
}

func newHandoff() *handoff {
	h := &handoff{}
	h.more.L, h.room.L = &h.mu, &h.mu
	return h
}

// put hands one record over, waiting while handoffLimit are waiting to
// be applied; it answers the applying goroutine's failure, if it failed.
func (h *handoff) put(in inspected) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.queue) >= handoffLimit && h.err == nil {
		h.room.Wait()
	}
	if h.err != nil {
		return h.err
	}
	h.queue = append(h.queue, in)
	if len(h.queue) == 1 {
		h.more.Signal()
	}
	return nil
}

// take waits for records and answers all that have come, in the order put,
// reusing buf's array for the next batch; false once the reading has
// ended and every record was taken.
func (h *handoff) take(buf []inspected) ([]inspected, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.queue) == 0 && !h.closed {
		h.more.Wait()
	}
	if len(h.queue) == 0 {
		return nil, false
	}
	batch := h.queue
	h.queue = buf[:0]
	h.room.Signal()
	return batch, true
}

// close says the reading has ended: take answers false once the records
// put are taken.
func (h *handoff) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	h.more.Signal()
}

// fail says the applying goroutine stopped at err: the reading stops at
// its next put.
func (h *handoff) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err = err
	h.room.Signal()
}
