package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/webhooks"
)

// Webhook buckets beside the log. WebhooksBucket holds each subscription,
// its signing secret included, by id: like the tokens' hashes
// (credentials.go), the secret never enters the CX stream, whose readers
// must never get credential material. WebhookStateBucket holds each
// subscription's state (active or paused and why, the last error, the
// latest deliveries), written by whichever replica delivered.
const (
	WebhooksBucket     = "CX_WEBHOOKS"
	WebhookStateBucket = "CX_WEBHOOK_STATE"
)

// webhookAckWait is how long a delivery may take before the server gives
// its event again: longer than the delivery's own timeout and the write of
// its record.
const webhookAckWait = time.Minute

// Webhooks keeps the webhook subscriptions and their states, and gives
// each subscription a durable consumer of its own on the CX stream.
type Webhooks struct {
	subs, states jetstream.KeyValue
	s            *Store
}

var _ webhooks.Store = (*Webhooks)(nil)

// Webhooks opens the webhook buckets, creating them (with the stream's
// replicas) on first use, unless the store was opened read-only.
//
// Errors: ErrUnavailable.
func (s *Store) Webhooks(ctx context.Context) (*Webhooks, error) {
	subs, err := s.bucket(ctx, jetstream.KeyValueConfig{Bucket: WebhooksBucket,
		Description: "webhook subscriptions by id, with their signing secrets, kept out of the CX audit trail"})
	if err != nil {
		return nil, err
	}
	states, err := s.bucket(ctx, jetstream.KeyValueConfig{Bucket: WebhookStateBucket,
		Description: "webhook subscriptions' delivery state and latest deliveries, by id"})
	if err != nil {
		return nil, err
	}
	return &Webhooks{subs: subs, states: states, s: s}, nil
}

// consumerOf is the name of the durable consumer of subscription id.
func consumerOf(id string) string { return "webhook_" + id }

// webhookConsumer is the consumer config of sub: its types' subjects, one
// event in flight at a time so that they go out in log order, and held
// for ever until the subscription is deleted.
func webhookConsumer(sub webhooks.Subscription) jetstream.ConsumerConfig {
	subjects := make([]string, 0, len(sub.Types))
	for _, t := range sub.Types {
		kind, name, _ := strings.Cut(strings.TrimPrefix(t, events.SubjectPrefix+"."), ".")
		subjects = append(subjects, strings.Join([]string{events.SubjectPrefix, kind, "*", name}, "."))
	}
	return jetstream.ConsumerConfig{
		Durable:        consumerOf(sub.ID),
		Description:    "webhook " + sub.ID,
		FilterSubjects: subjects,
		DeliverPolicy:  jetstream.DeliverNewPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        webhookAckWait,
		MaxAckPending:  1,
		MaxDeliver:     -1,
	}
}

// CreateSubscription makes the subscription's consumer, from the log's
// end, then keeps the subscription.
//
// Errors: ErrInvalid (a bad id), ErrUnavailable.
func (w *Webhooks) CreateSubscription(ctx context.Context, sub webhooks.Subscription) error {
	if err := checkWebhookID(sub.ID); err != nil {
		return err
	}
	raw, err := json.Marshal(sub)
	if err != nil {
		return err
	}
	if _, err := w.s.stream.CreateConsumer(ctx, webhookConsumer(sub)); err != nil {
		return fmt.Errorf("%w: make a webhook's consumer: %v", events.ErrUnavailable, err)
	}
	if _, err := w.subs.Create(ctx, sub.ID, raw); err != nil {
		_ = w.s.stream.DeleteConsumer(context.WithoutCancel(ctx), consumerOf(sub.ID))
		return fmt.Errorf("%w: keep a webhook: %v", events.ErrUnavailable, err)
	}
	return nil
}

// Subscription implements webhooks.Store.
func (w *Webhooks) Subscription(ctx context.Context, id string) (webhooks.Subscription, bool, error) {
	var sub webhooks.Subscription
	rev, err := getJSON(ctx, w.subs, id, &sub)
	return sub, rev > 0, err
}

// Subscriptions implements webhooks.Store.
func (w *Webhooks) Subscriptions(ctx context.Context) ([]webhooks.Subscription, error) {
	keys, err := w.subs.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: list webhooks: %v", events.ErrUnavailable, err)
	}
	var ids []string
	for k := range keys.Keys() {
		ids = append(ids, k)
	}
	slices.Sort(ids)
	out := make([]webhooks.Subscription, 0, len(ids))
	for _, id := range ids {
		sub, ok, err := w.Subscription(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, sub)
		}
	}
	return out, nil
}

// DeleteSubscription implements webhooks.Store: the subscription first, so
// that no replica starts its feed again, then its consumer and state.
func (w *Webhooks) DeleteSubscription(ctx context.Context, id string) error {
	if err := checkWebhookID(id); err != nil {
		return err
	}
	if err := w.subs.Delete(ctx, id); err != nil {
		return fmt.Errorf("%w: delete a webhook: %v", events.ErrUnavailable, err)
	}
	if err := w.s.stream.DeleteConsumer(ctx, consumerOf(id)); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("%w: delete a webhook's consumer: %v", events.ErrUnavailable, err)
	}
	if err := w.states.Purge(ctx, id); err != nil {
		return fmt.Errorf("%w: delete a webhook's state: %v", events.ErrUnavailable, err)
	}
	return nil
}

// State implements webhooks.Store.
func (w *Webhooks) State(ctx context.Context, id string) (webhooks.State, uint64, error) {
	var st webhooks.State
	rev, err := getJSON(ctx, w.states, id, &st)
	return st, rev, err
}

// PutState implements webhooks.Store.
func (w *Webhooks) PutState(ctx context.Context, id string, st webhooks.State, rev uint64) (uint64, error) {
	if err := checkWebhookID(id); err != nil {
		return 0, err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return 0, err
	}
	var next uint64
	if rev == 0 {
		next, err = w.states.Create(ctx, id, raw)
	} else {
		next, err = w.states.Update(ctx, id, raw, rev)
	}
	switch {
	case errors.Is(err, jetstream.ErrKeyExists), errors.Is(err, jetstream.ErrKeyRevisionMismatch):
		return 0, webhooks.ErrStateChanged
	case err != nil:
		return 0, fmt.Errorf("%w: keep a webhook's state: %v", events.ErrUnavailable, err)
	}
	return next, nil
}

// FollowSubscriptions implements webhooks.Store.
func (w *Webhooks) FollowSubscriptions(ctx context.Context, fn func(id string, sub *webhooks.Subscription)) error {
	return watchBucket(ctx, w.subs, true, func(e jetstream.KeyValueEntry) {
		if e.Operation() != jetstream.KeyValuePut {
			fn(e.Key(), nil)
			return
		}
		var sub webhooks.Subscription
		if err := json.Unmarshal(e.Value(), &sub); err != nil {
			w.s.opts.logger.Warn("a webhook subscription does not decode", "webhook", e.Key(), "err", err)
			return
		}
		fn(e.Key(), &sub)
	})
}

// Feed implements webhooks.Store: the subscription's durable consumer,
// made again from the log's end if it was lost.
func (w *Webhooks) Feed(ctx context.Context, sub webhooks.Subscription) (webhooks.Feed, error) {
	cons, err := w.s.stream.Consumer(ctx, consumerOf(sub.ID))
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		w.s.opts.logger.Warn("a webhook's consumer was gone; made again from the log's end", "webhook", sub.ID)
		cons, err = w.s.stream.CreateConsumer(ctx, webhookConsumer(sub))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: open a webhook's consumer: %v", events.ErrUnavailable, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1))
	if err != nil {
		return nil, fmt.Errorf("%w: pull a webhook's events: %v", events.ErrUnavailable, err)
	}
	return webhookFeed{it: it, s: w.s}, nil
}

// webhookFeed is a subscription's consumer as a webhooks.Feed.
type webhookFeed struct {
	it jetstream.MessagesContext
	// s opens the events' sealed personal fields (events/personal.go).
	s *Store
}

func (f webhookFeed) Next(ctx context.Context) (webhooks.Message, error) {
	m, err := f.it.Next(jetstream.NextContext(ctx))
	if err != nil {
		return nil, err
	}
	meta, err := m.Metadata()
	if err != nil {
		return nil, err
	}
	rec, derr := events.ReadRecord(meta.Sequence.Stream, m.Subject(), meta.Timestamp, m.Data())
	if derr != nil {
		rec.Damage = derr
	} else if err := f.s.OpenRecord(&rec); err != nil {
		// A key store that does not answer: the event is delivered later,
		// never with its personal fields still sealed.
		return nil, err
	}
	return webhookMsg{m: m, rec: rec, attempt: int(meta.NumDelivered)}, nil
}

func (f webhookFeed) Stop() { f.it.Stop() }

// webhookMsg is one event of a subscription's consumer.
type webhookMsg struct {
	m       jetstream.Msg
	rec     events.Record
	attempt int
}

func (m webhookMsg) Record() events.Record { return m.rec }
func (m webhookMsg) Attempt() int          { return m.attempt }

// Ack waits for the server to confirm, so that an event acknowledged is
// not delivered again after a restart.
func (m webhookMsg) Ack(ctx context.Context) error { return m.m.DoubleAck(ctx) }

func (m webhookMsg) Retry(delay time.Duration) error { return m.m.NakWithDelay(delay) }

// webhookIDPattern is what a webhook's id may be: a key of the buckets
// and part of its consumer's name.
var webhookIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// checkWebhookID refuses an id that cannot be a key or a consumer's name.
func checkWebhookID(id string) error {
	if !webhookIDPattern.MatchString(id) {
		return fmt.Errorf("%w: a webhook's id is letters, digits, _ and -, not %q", events.ErrInvalid, id)
	}
	return nil
}

// getJSON decodes the value under key into v and answers its revision; 0
// when there is none. A key that cannot be one is simply not found.
func getJSON(ctx context.Context, kv jetstream.KeyValue, key string, v any) (uint64, error) {
	if checkWebhookID(key) != nil {
		return 0, nil
	}
	e, err := kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%w: read %s: %v", events.ErrUnavailable, kv.Bucket(), err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return 0, fmt.Errorf("%w: %s holds a value that does not decode under %q: %v", events.ErrUnavailable, kv.Bucket(), key, err)
	}
	return e.Revision(), nil
}
