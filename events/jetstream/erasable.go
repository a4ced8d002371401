package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// erasableBucket opens a key-value bucket whose messages can be erased
// from disk (secureErase): the key-value client makes every bucket's
// stream deny deletes, which the server never lets a stream take back, so
// the stream is made here in the bucket's shape with deletes allowed. A
// bucket found denying them (made by an older tracker) is dropped and made
// again, unless the store was opened read-only: it holds only what the
// tracker keeps for a while (answers) or nothing yet (keys).
//
// Errors: ErrUnavailable.
func (s *Store) erasableBucket(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	var err error
	for try := 0; try < bucketTries; try++ {
		var kv jetstream.KeyValue
		if kv, err = s.erasableBucketOnce(ctx, cfg); err == nil {
			return kv, nil
		}
		// A server slow to answer (a busy disk, a start-up) is asked
		// again: every step below may be taken twice.
		if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			break
		}
	}
	return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, cfg.Bucket, err)
}

// bucketTries is how many times erasableBucket asks a server that does not
// answer in time.
const bucketTries = 3

// erasableBucketOnce is one try of erasableBucket; its errors are the
// client's own.
func (s *Store) erasableBucketOnce(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	name := "KV_" + cfg.Bucket
	st, err := s.js.Stream(ctx, name)
	switch {
	case err == nil && (!st.CachedInfo().Config.DenyDelete || s.opts.openOnly):
		return s.js.KeyValue(ctx, cfg.Bucket)
	case err == nil:
		s.opts.logger.Warn("a bucket that cannot erase what it keeps is made again", "bucket", cfg.Bucket)
		if err := s.js.DeleteStream(ctx, name); err != nil {
			return nil, err
		}
	case !errors.Is(err, jetstream.ErrStreamNotFound) || s.opts.openOnly:
		return nil, err
	}
	dups := 2 * time.Minute
	if cfg.TTL > 0 && cfg.TTL < dups {
		dups = cfg.TTL
	}
	_, err = s.js.CreateStream(ctx, jetstream.StreamConfig{
		Name: name, Description: cfg.Description, Subjects: []string{"$KV." + cfg.Bucket + ".>"},
		MaxMsgsPerSubject: 1, MaxAge: cfg.TTL, MaxMsgs: -1, MaxBytes: -1, MaxConsumers: -1, MaxMsgSize: -1,
		Storage: jetstream.FileStorage, Replicas: s.streamReplicas(), Duplicates: dups,
		AllowRollup: true, AllowDirect: true, Discard: jetstream.DiscardNew,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil, err
	}
	return s.js.KeyValue(ctx, cfg.Bucket)
}
