package jetstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// AnswersBucket is the key-value bucket that holds the first answers of
// requests sent with an Idempotency-Key, so that a retry gets the first
// answer byte for byte from any replica and after a restart. Its stream is
// named "KV_" + AnswersBucket.
const AnswersBucket = "CX_IDEMPOTENCY"

// AnswerLifetime is how long a first answer is kept: the lifetime of an
// Idempotency-Key's answer, which the API documents. Past it the log still
// keeps a keyed write from being written twice (its event ids derive from
// the key), but a retry is answered with the entity as it stands.
const AnswerLifetime = 24 * time.Hour

// answerKeyPattern is the key of an answer: a SHA-256 in lower-case hex,
// which the API derives from the token id and the Idempotency-Key, so that
// neither is spelled out in the bucket and any key the client sends fits.
var answerKeyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Answers are the first answers of keyed requests, outside the event log.
type Answers struct {
	kv jetstream.KeyValue
	s  *Store
	// limit is the largest answer the server takes in one message.
	limit int
}

// Answers opens the answer bucket, creating it (with the stream's
// replicas) on first use, unless the store was opened read-only.
//
// Errors: ErrUnavailable.
func (s *Store) Answers(ctx context.Context) (*Answers, error) {
	kv, err := s.erasableBucket(ctx, jetstream.KeyValueConfig{
		Bucket:      AnswersBucket,
		Description: "first answers of requests sent with an Idempotency-Key, by a hash of token id and key",
		TTL:         AnswerLifetime,
	})
	if err != nil {
		return nil, err
	}
	// A message carries the key and its headers beside the value; 1 KiB
	// leaves room for them.
	return &Answers{kv: kv, s: s, limit: max(int(s.nc.MaxPayload())-1024, 0)}, nil
}

// Answer is the answer kept for id, found false when none is (never kept,
// or kept longer ago than AnswerLifetime).
//
// Errors: ErrInvalid (id is not a key this bucket holds), ErrUnavailable.
func (a *Answers) Answer(ctx context.Context, id string) ([]byte, bool, error) {
	if !answerKeyPattern.MatchString(id) {
		return nil, false, fmt.Errorf("%w: an answer's id must be SHA-256 in lower-case hex", events.ErrInvalid)
	}
	e, err := a.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%w: read a kept answer: %v", events.ErrUnavailable, err)
	}
	return e.Value(), true, nil
}

// KeepAnswer stores the answer of id, unless one is kept already: then it
// answers false and stores nothing, since the first answer is the one a
// retry gets (two replicas that answered one request race here).
//
// Errors: ErrInvalid (a bad id, or an answer larger than a message may
// be), ErrUnavailable.
func (a *Answers) KeepAnswer(ctx context.Context, id string, answer []byte) (bool, error) {
	if !answerKeyPattern.MatchString(id) {
		return false, fmt.Errorf("%w: an answer's id must be SHA-256 in lower-case hex", events.ErrInvalid)
	}
	if len(answer) > a.limit {
		return false, fmt.Errorf("%w: an answer of %d bytes is over the %d a message may hold", events.ErrInvalid, len(answer), a.limit)
	}
	_, err := a.kv.Create(ctx, id, answer)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: keep an answer: %v", events.ErrUnavailable, err)
	}
	return true, nil
}

// EraseNaming erases from disk, with the server's secure erase, every
// answer kept that names id: an answer about a person holds their name and
// e-mail as they were, which their erasure must not leave behind. The
// request that made it, retried, is then answered from the log.
//
// Errors: ErrUnavailable.
func (a *Answers) EraseNaming(ctx context.Context, id string) error {
	return a.s.secureErase(ctx, "KV_"+AnswersBucket, "$KV."+AnswersBucket+".>", func(data []byte) bool {
		return bytes.Contains(data, []byte(id))
	})
}
