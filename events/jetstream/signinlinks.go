package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// SignInLinksBucket is the key-value bucket that holds the dashboard's
// one-time sign-in links, by a hash of each link's code, so that a link
// made on one replica signs in on any. Its stream is named "KV_" +
// SignInLinksBucket.
const SignInLinksBucket = "CX_SIGNIN_LINKS"

// SignInLinkLifetime is how long the bucket keeps a link: its TTL. The API
// also records when each link expires and checks it against its clock;
// the TTL only clears the bucket of links nobody used.
const SignInLinkLifetime = 15 * time.Minute

// SignInLinks are the one-time sign-in links, outside the event log.
type SignInLinks struct {
	kv jetstream.KeyValue
}

// SignInLinks opens the sign-in link bucket, creating it (with the
// stream's replicas) on first use, unless the store was opened read-only.
//
// Errors: ErrUnavailable.
func (s *Store) SignInLinks(ctx context.Context) (*SignInLinks, error) {
	kv, err := s.bucket(ctx, jetstream.KeyValueConfig{
		Bucket:      SignInLinksBucket,
		Description: "one-time dashboard sign-in links, by a hash of their code",
		TTL:         SignInLinkLifetime,
	})
	if err != nil {
		return nil, err
	}
	return &SignInLinks{kv: kv}, nil
}

// KeepLink stores a link under id, unless id holds one already: then it
// answers false and stores nothing.
//
// Errors: ErrInvalid (id is not a SHA-256 in lower-case hex),
// ErrUnavailable.
func (l *SignInLinks) KeepLink(ctx context.Context, id string, link []byte) (bool, error) {
	if !hashPattern.MatchString(id) {
		return false, fmt.Errorf("%w: a sign-in link's id must be SHA-256 in lower-case hex", events.ErrInvalid)
	}
	_, err := l.kv.Create(ctx, id, link)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: keep a sign-in link: %v", events.ErrUnavailable, err)
	}
	return true, nil
}

// Link is the link kept under id, leaving it there; found false when there
// is none (never kept, used, or past its lifetime). Any id that is not a
// key of the bucket is simply not found.
//
// Errors: ErrUnavailable.
func (l *SignInLinks) Link(ctx context.Context, id string) ([]byte, bool, error) {
	e, err := l.get(ctx, id)
	if e == nil || err != nil {
		return nil, false, err
	}
	return e.Value(), true, nil
}

// TakeLink is the link kept under id, which it removes: of two takers that
// race for one link, on this replica or two, only one gets it, since the
// removal is made only if the link is still the revision read. The other
// finds nothing.
//
// Errors: ErrUnavailable.
func (l *SignInLinks) TakeLink(ctx context.Context, id string) ([]byte, bool, error) {
	e, err := l.get(ctx, id)
	if e == nil || err != nil {
		return nil, false, err
	}
	err = l.kv.Delete(ctx, id, jetstream.LastRevision(e.Revision()))
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		// Taken meanwhile by another.
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%w: use a sign-in link: %v", events.ErrUnavailable, err)
	}
	return e.Value(), true, nil
}

// get is the entry under id, nil when there is none.
func (l *SignInLinks) get(ctx context.Context, id string) (jetstream.KeyValueEntry, error) {
	if !hashPattern.MatchString(id) {
		return nil, nil
	}
	e, err := l.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read a sign-in link: %v", events.ErrUnavailable, err)
	}
	return e, nil
}
