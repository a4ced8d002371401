package webhooks

import (
	"context"
	"errors"
	"time"

	"cxtracker/events"
)

// Store keeps the subscriptions and their states, and feeds each
// subscription its events from the log. The JetStream store implements it
// (events/jetstream/webhooks.go).
type Store interface {
	// CreateSubscription stores a new subscription, secret included, and
	// makes its durable feed, which starts after the log's last event.
	CreateSubscription(ctx context.Context, sub Subscription) error
	// Subscription is the subscription with id; false when there is none.
	Subscription(ctx context.Context, id string) (Subscription, bool, error)
	// Subscriptions are every subscription, in id order.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// DeleteSubscription removes the subscription, its feed and its state.
	DeleteSubscription(ctx context.Context, id string) error
	// State is the subscription's state, zero when none is kept yet, and
	// its revision (0 then).
	State(ctx context.Context, id string) (State, uint64, error)
	// PutState keeps the subscription's state provided that the kept one
	// is still at revision rev (0: none is kept), and answers the new
	// revision; ErrStateChanged when another wrote it meanwhile.
	PutState(ctx context.Context, id string, st State, rev uint64) (uint64, error)
	// FollowSubscriptions calls fn with every subscription kept so far,
	// then, from a goroutine of its own until ctx ends, with each one
	// created later (sub set) or deleted (sub nil), on any replica.
	FollowSubscriptions(ctx context.Context, fn func(id string, sub *Subscription)) error
	// Feed opens the subscription's durable feed.
	Feed(ctx context.Context, sub Subscription) (Feed, error)
}

// ErrStateChanged says a subscription's state was written by another
// since it was read: read it again.
var ErrStateChanged = errors.New("the webhook's state changed meanwhile")

// Feed gives a subscription's events, oldest first, one at a time: the
// next only once the one before is acknowledged.
type Feed interface {
	// Next waits for the next event not yet acknowledged.
	Next(ctx context.Context) (Message, error)
	// Stop ends the feed; the events not acknowledged wait for the next.
	Stop()
}

// Message is one event of a feed.
type Message interface {
	Record() events.Record
	// Attempt counts the deliveries of this event: 1 the first time.
	Attempt() int
	// Ack says the event was delivered: it is never given again.
	Ack(ctx context.Context) error
	// Retry gives the event again after delay, before any later one.
	Retry(delay time.Duration) error
}
