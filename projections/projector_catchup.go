package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cxtracker/events"
)

// storeBehind is a read model that keeps part of itself in a store on disk
// of its own (the feedback model's item store), which may be behind the
// checkpoint the model was restored from: missing, started afresh, or
// short of its last transactions after a crash. catchUpFrom says after
// which sequence the store must take in the log again; catchUp writes one
// record into the store only.
type storeBehind interface {
	Model
	catchUpFrom() (after uint64, behind bool)
	catchUp(rec events.Record, p events.Payload) error
}

// errCaughtUp stops a catch-up read at the checkpoint's sequence.
var errCaughtUp = errors.New("caught up")

// catchUpStores brings each model's own store up to the sequence the
// projector was restored at, from the log, before the tail is replayed.
// Records that do not decode are left to the quarantine the checkpoint
// holds.
func (p *Projector) catchUpStores(ctx context.Context) error {
	until := p.LastSeq()
	for _, m := range p.models {
		sb, ok := m.(storeBehind)
		if !ok {
			continue
		}
		after, behind := sb.catchUpFrom()
		if !behind || after >= until {
			continue
		}
		began := time.Now()
		p.log.Info("a read model's store is behind the checkpoint; bringing it up from the log", "model", m.Name(), "from", after+1, "until", until)
		err := p.store.Read(ctx, events.FromSeq(after+1).WithDamage(), func(rec events.Record) error {
			if rec.Seq > until {
				return errCaughtUp
			}
			payload, q := Inspect(rec)
			if q != nil {
				return nil
			}
			return sb.catchUp(rec, payload)
		})
		if err != nil && !errors.Is(err, errCaughtUp) {
			return fmt.Errorf("bring the %s store up from the log: %w", m.Name(), err)
		}
		p.log.Info("a read model's store caught up", "model", m.Name(), "seq", until, "took", time.Since(began).Round(time.Millisecond))
	}
	return nil
}
