package jetstream

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// CredentialsBucket is the key-value bucket that holds the tokens' hashes,
// keyed by token id. It lives beside the CX stream, not in it: the audit
// trail is for readers who must never get credential material (NATS
// listener users among them), while only the tracker reads this bucket. Its
// stream is named "KV_" + CredentialsBucket.
const CredentialsBucket = "CX_CREDENTIALS"

// hashPattern is a SHA-256 hash in lower-case hex.
var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Credentials are the tokens' hashes, outside the event log.
type Credentials struct {
	kv jetstream.KeyValue
	s  *Store
}

// Credentials opens the credential bucket, creating it (with the stream's
// replicas) on first use, unless the store was opened read-only.
//
// Errors: ErrUnavailable.
func (s *Store) Credentials(ctx context.Context) (*Credentials, error) {
	kv, err := s.bucket(ctx, jetstream.KeyValueConfig{
		Bucket:      CredentialsBucket,
		Description: "API token hashes by token id, kept out of the CX audit trail",
	})
	if err != nil {
		return nil, err
	}
	return &Credentials{kv: kv, s: s}, nil
}

// Keep stores the hash of token id before the token_issued event is
// appended, so that a token never exists that cannot sign in once the
// tracker knows of it. It answers false, storing nothing, when id holds a
// hash already: a retried issue keeps the first token's. A hash kept for an
// id whose event is never appended signs nobody in, since only tokens the
// log knows are signed in.
//
// Errors: ErrInvalid (not a SHA-256 hash in lower-case hex, or a bad id),
// ErrUnavailable.
func (c *Credentials) Keep(ctx context.Context, tokenID, hash string) (bool, error) {
	if !hashPattern.MatchString(hash) {
		return false, fmt.Errorf("%w: a token's hash must be SHA-256 in lower-case hex", events.ErrInvalid)
	}
	if err := (events.Aggregate{Kind: events.KindToken, ID: tokenID}).Validate(); err != nil {
		return false, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if err := c.s.connected(); err != nil {
		return false, fmt.Errorf("%w: keep a token's hash: %v", events.ErrUnavailable, err)
	}
	_, err := c.kv.Create(ctx, tokenID, []byte(hash))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if errors.Is(err, jetstream.ErrInvalidKey) {
		return false, fmt.Errorf("%w: token id %q cannot be a credential key", events.ErrInvalid, tokenID)
	}
	if err != nil {
		return false, fmt.Errorf("%w: keep a token's hash: %v", events.ErrUnavailable, err)
	}
	return true, nil
}

// Hash is the hash kept for token id, "" when none is. It asks the bucket's
// leader (the key-value client's reads are direct gets, which any replica
// may answer before it has the latest writes), so a hash kept through
// another tracker a moment ago is found even where the watch (Follow) has
// not delivered it yet.
//
// Errors: ErrInvalid (a bad id), ErrUnavailable.
func (c *Credentials) Hash(ctx context.Context, tokenID string) (string, error) {
	if err := (events.Aggregate{Kind: events.KindToken, ID: tokenID}).Validate(); err != nil {
		return "", fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	m, _, err := c.s.getMsgOf(ctx, "KV_"+CredentialsBucket, map[string]any{"last_by_subj": "$KV." + CredentialsBucket + "." + tokenID})
	if err != nil {
		return "", fmt.Errorf("%w: look up a token's hash: %v", events.ErrUnavailable, err)
	}
	return string(m.Data), nil
}

// Follow calls fn with every hash kept so far, and returns once it has.
// From then on, until ctx ends, it calls fn from a goroutine of its own for
// each hash kept later, by this tracker or by another on the same log.
//
// Errors: ErrUnavailable, ctx.Err().
func (c *Credentials) Follow(ctx context.Context, fn func(tokenID, hash string)) error {
	return watchBucket(ctx, c.kv, false, func(e jetstream.KeyValueEntry) {
		fn(e.Key(), string(e.Value()))
	})
}

// watchBucket calls fn with every entry of kv kept so far (deletions
// among them only when deletes is set), and returns once it has. From then
// on, until ctx ends, it calls fn from a goroutine of its own for each
// later entry.
//
// Errors: ErrUnavailable, ctx.Err().
func watchBucket(ctx context.Context, kv jetstream.KeyValue, deletes bool, fn func(jetstream.KeyValueEntry)) error {
	var opts []jetstream.WatchOpt
	if !deletes {
		opts = append(opts, jetstream.IgnoreDeletes())
	}
	w, err := kv.WatchAll(ctx, opts...)
	if err != nil {
		return fmt.Errorf("%w: watch bucket %s: %v", events.ErrUnavailable, kv.Bucket(), err)
	}
	// next gives the next entry; nil with ok set marks the end of what was
	// kept when the watch began.
	next := func() (jetstream.KeyValueEntry, bool) {
		select {
		case e, ok := <-w.Updates():
			return e, ok
		case <-ctx.Done():
			return nil, false
		}
	}
	for {
		e, ok := next()
		if !ok {
			_ = w.Stop()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w: the watch of bucket %s ended", events.ErrUnavailable, kv.Bucket())
		}
		if e == nil {
			break
		}
		fn(e)
	}
	go func() {
		defer func() { _ = w.Stop() }()
		for {
			e, ok := next()
			if !ok {
				return
			}
			if e != nil {
				fn(e)
			}
		}
	}()
	return nil
}

// bucket opens one of the tracker's key-value buckets beside the log,
// creating it on first use with one value a key, on file storage and with
// as many replicas as the CX stream, unless the store was opened read-only.
//
// Errors: ErrUnavailable.
func (s *Store) bucket(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := s.js.KeyValue(ctx, cfg.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) && !s.opts.openOnly {
		cfg.History, cfg.Storage, cfg.Replicas = 1, jetstream.FileStorage, s.streamReplicas()
		kv, err = s.js.CreateKeyValue(ctx, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, cfg.Bucket, err)
	}
	return kv, nil
}
