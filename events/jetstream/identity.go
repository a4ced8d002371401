package jetstream

import (
	"context"
	"fmt"
	"time"

	"cxtracker/events"
)

// Identity tells one CX stream from another of the same name: the time it
// was created, which a stream deleted and made afresh does not share, and
// the last sequence it holds, which only grows, since the stream refuses
// deletes and purges.
type Identity struct {
	Stream  string    `json:"stream"`
	Created time.Time `json:"created"`
	LastSeq uint64    `json:"last_seq"`
}

// Identity is the identity of the stream the store writes to, as it is now.
func (s *Store) Identity(ctx context.Context) (Identity, error) {
	if err := s.connected(); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", events.ErrUnavailable, err)
	}
	info, err := s.stream.Info(ctx)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", events.ErrUnavailable, err)
	}
	return Identity{Stream: info.Config.Name, Created: info.Created, LastSeq: info.State.LastSeq}, nil
}
