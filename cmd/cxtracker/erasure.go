package main

import (
	"context"
	"fmt"

	"cxtracker/events/jetstream"
)

// eraser erases a data subject's personal data beside the log for the API
// (api.Eraser): the key in CX_KEYS, the kept answers that name the
// entity, and the checkpoints taken before the erasure, each erased from
// disk with the server's secure erase.
type eraser struct {
	keys         *jetstream.Keys
	answers      *jetstream.Answers
	checkpointer *checkpointer
}

// EraseKey implements api.Eraser.
func (e *eraser) EraseKey(ctx context.Context, subject string) error {
	return e.keys.Erase(ctx, subject)
}

// Scrub implements api.Eraser: the answers naming id go, then a checkpoint
// is taken of the views as they are now (the erased fields read erased),
// and every older one is erased.
func (e *eraser) Scrub(ctx context.Context, id string) error {
	if err := e.answers.EraseNaming(ctx, id); err != nil {
		return err
	}
	return e.checkpointer.fresh(ctx)
}

// fresh takes a checkpoint now and erases every older one from disk: after
// an erasure, they hold the erased plaintext. With periodic checkpoints
// off, every checkpoint is erased and none taken.
func (c *checkpointer) fresh(ctx context.Context) error {
	keep := 0
	if c.everyEvents != 0 || c.every != 0 {
		c.take(ctx, "erasure")
		if c.seq.Load() < c.projector.LastSeq() {
			return fmt.Errorf("the checkpoint after an erasure failed (see the log); older ones still hold what was erased")
		}
		keep = 1
	}
	_, err := c.bucket.Prune(ctx, keep)
	return err
}
