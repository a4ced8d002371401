package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	name := "KV_" + cfg.Bucket
	st, err := s.js.Stream(ctx, name)
	switch {
	case err == nil && (!st.CachedInfo().Config.DenyDelete || s.opts.openOnly):
		return s.openBucket(ctx, cfg.Bucket)
	case err == nil:
		s.opts.logger.Warn("a bucket that cannot erase what it keeps is made again", "bucket", cfg.Bucket)
		if err := s.js.DeleteStream(ctx, name); err != nil {
			return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, cfg.Bucket, err)
		}
	case !errors.Is(err, jetstream.ErrStreamNotFound) || s.opts.openOnly:
		return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, cfg.Bucket, err)
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
		return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, cfg.Bucket, err)
	}
	return s.openBucket(ctx, cfg.Bucket)
}

func (s *Store) openBucket(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	kv, err := s.js.KeyValue(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, bucket, err)
	}
	return kv, nil
}
