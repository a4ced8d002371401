package jetstream

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// idleWatch tells a follower that no message has come for a while, so that
// it probes the stream (see idleProbe). The follower waits for each message
// under the watch's context, which the watch ends once a whole period of
// its length went by without a message taken: one timer serves the whole
// follow, where a deadline on each wait made a timer for every message,
// which a replay of the log paid for every record.
//
// A quiet spell is noticed between one and two periods after the last
// message.
type idleWatch struct {
	// taken counts the messages the follower took; the follower adds to it
	// and nothing else, so a message costs one atomic add.
	taken atomic.Uint64

	mu     sync.Mutex
	parent context.Context
	ctx    context.Context // read by the follower only, which alone arms it
	// next is the option that waits under ctx, made once for each ctx
	// rather than for each wait.
	next   jetstream.NextOpt
	end    context.CancelFunc
	period time.Duration
	seen   uint64 // taken when the period began
	timer  *time.Timer
}

// watchIdle starts a watch whose context ends after period without a
// message, or when parent ends.
func watchIdle(parent context.Context, period time.Duration) *idleWatch {
	w := &idleWatch{parent: parent}
	w.arm(period)
	return w
}

// arm begins a new watch of period, with a fresh context, after the last
// one ended.
func (w *idleWatch) arm(period time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx, w.end = context.WithCancel(w.parent)
	w.next = jetstream.NextContext(w.ctx)
	w.period, w.seen = period, w.taken.Load()
	if w.timer == nil {
		w.timer = time.AfterFunc(period, w.check)
	} else {
		w.timer.Reset(period)
	}
}

// shorten begins a shorter period now: the follower does after a message
// that ended a quiet spell, whose long period would otherwise run on.
func (w *idleWatch) shorten(period time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.period, w.seen = period, w.taken.Load()
	w.timer.Reset(period)
}

// check ends the context if no message was taken during the period that
// just ended, and otherwise watches another.
func (w *idleWatch) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := w.taken.Load(); n != w.seen {
		w.seen = n
		w.timer.Reset(w.period)
		return
	}
	w.end()
}

// idle reports whether the watch's context ended for want of messages
// (and not because its parent did).
func (w *idleWatch) idle() bool {
	return w.ctx.Err() != nil && w.parent.Err() == nil
}

// stop ends the watch.
func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timer.Stop()
	w.end()
}
