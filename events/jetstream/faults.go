package jetstream

import (
	"fmt"
	"sync/atomic"

	"github.com/nats-io/nats.go"
)

// faults stage, for the package's tests, what a real server brings about
// only by bad luck: an acknowledgement lost after the server stored the
// events, and the answer that an event id is still being stored by an
// earlier try (10158, seen on replicated streams). Each counter is how many
// of the next requests suffer it. Nothing outside tests sets them.
type faults struct {
	// lostAcks loses the answer to any request, lostBatchAcks only to an
	// atomic batch's commit; busy answers 10158 without sending anything.
	lostAcks, lostBatchAcks, busy atomic.Int32
	// holdBatch holds the next atomic batch, once it is under way, until
	// release is closed or the store begins to close, and closes held once
	// the batch is held: a close, or appends arriving, with a batch in
	// flight, which timing alone cannot promise a test.
	holdBatch     atomic.Int32
	held, release chan struct{}
}

// hold is consulted as an atomic batch is about to be sent: a staged hold
// says the batch is in flight and waits for release or stop.
func (f *faults) hold(stop <-chan struct{}) {
	if take(&f.holdBatch) {
		close(f.held)
		select {
		case <-f.release:
		case <-stop:
		}
	}
}

// take uses up one of n, reporting whether there was one.
func take(n *atomic.Int32) bool {
	for {
		v := n.Load()
		if v <= 0 {
			return false
		}
		if n.CompareAndSwap(v, v-1) {
			return true
		}
	}
}

// before is consulted before a publish or a whole batch is sent: a staged
// busy answer.
func (f *faults) before() error {
	if take(&f.busy) {
		return &apiError{Code: 503, ErrCode: codeDuplicateInProcess, Description: "duplicate message id is in process (staged)"}
	}
	return nil
}

// after is consulted once msg was answered: a staged lost answer.
func (f *faults) after(msg *nats.Msg) error {
	if take(&f.lostAcks) || (msg.Header.Get(hdrBatchCommit) != "" && take(&f.lostBatchAcks)) {
		return fmt.Errorf("%w: the acknowledgement was lost (staged)", errNoAnswer)
	}
	return nil
}
