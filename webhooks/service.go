package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"cxtracker/events"
)

// FieldError is a registration refused for one field's value.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ErrNotFound is returned for an id no subscription has.
var ErrNotFound = errors.New("no such webhook")

// Options are a Service's settings; zero values take the defaults.
type Options struct {
	// Engine is the write side: a subscription delivers only while its
	// State holds the subscription's webhook_registered and it is neither
	// paused nor deleted, and the automatic pause is written through it.
	Engine *events.Engine
	Clock  events.Clock
	Logger *slog.Logger
	// Resolver looks registered hosts up (net.DefaultResolver).
	Resolver Resolver
	// Timeout bounds each delivery (DefaultTimeout).
	Timeout time.Duration
	// FirstPause and MostPause are the pause after a failed attempt and
	// the longest it grows to by doubling (1 s and 1 h).
	FirstPause, MostPause time.Duration
	// FlushEvery is how long successful deliveries may wait in memory
	// before their records are kept (250 ms); a failure is kept at once.
	FlushEvery time.Duration
	// PausedCheck is how often a paused subscription looks whether it was
	// resumed (5 s).
	PausedCheck time.Duration
}

// Encoder is the body of an event's delivery: the API's event JSON with
// the CloudEvents attributes (api.Server.WebhookEvent).
type Encoder func(ctx context.Context, rec events.Record) ([]byte, error)

// Service registers subscriptions and delivers their events.
type Service struct {
	store  Store
	opts   Options
	client *http.Client

	mu      sync.Mutex
	running map[string]context.CancelFunc
	// wake is closed by Nudge.
	wake chan struct{}
	wg   sync.WaitGroup
}

// New is a Service on store.
func New(store Store, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.FirstPause <= 0 {
		o.FirstPause = time.Second
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = 250 * time.Millisecond
	}
	if o.PausedCheck <= 0 {
		o.PausedCheck = 5 * time.Second
	}
	if o.MostPause <= 0 {
		o.MostPause = time.Hour
	}
	return &Service{store: store, opts: o, client: NewClient(o.Timeout), running: map[string]context.CancelFunc{}, wake: make(chan struct{})}
}

// Keep is the first half of a registration: it checks url and types and
// keeps the subscription, its secret included, under id for by. It
// delivers nothing until the log holds its webhook_registered (the
// caller's second half, written through the Engine), so a crash between
// the two leaves a subscription that never delivers, which Run removes an
// hour later; the log never holds a registration whose secret was not
// kept. Keeping an id again (a retry whose first try stopped between the
// two) answers the subscription kept, if it is the same.
//
// Errors: *events.Error and *FieldError (a value refused), the store's.
func (s *Service) Keep(ctx context.Context, id, url string, types []string, by string) (Subscription, error) {
	if err := events.CheckWebhook(url, types); err != nil {
		return Subscription{}, err
	}
	if err := CheckURL(ctx, s.opts.Resolver, url); err != nil {
		return Subscription{}, &FieldError{"url", err.Error()}
	}
	kept, found, err := s.store.Subscription(ctx, id)
	switch {
	case err != nil:
		return Subscription{}, err
	case found && kept.URL == url && slices.Equal(kept.Types, types):
		return kept, nil
	case found:
		return Subscription{}, &FieldError{"url", "another webhook is kept under this id"}
	}
	sub := Subscription{ID: id, URL: url, Types: slices.Clone(types), Secret: NewSecret(),
		CreatedAt: s.opts.Clock.Now(), CreatedBy: by, Logged: true}
	if err := s.store.CreateSubscription(ctx, sub); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// Get is the subscription with id, without its secret, and its state,
// its status from the log; ErrNotFound unless the log holds its
// registration and no deletion.
func (s *Service) Get(ctx context.Context, id string) (Subscription, State, error) {
	w, _, ok := s.logged(id)
	if !ok || w.Deleted {
		return Subscription{}, State{}, ErrNotFound
	}
	sub, ok, err := s.store.Subscription(ctx, id)
	if err != nil {
		return Subscription{}, State{}, err
	}
	if !ok {
		return Subscription{}, State{}, ErrNotFound
	}
	st, _, err := s.state(ctx, id, w)
	sub.Secret = ""
	return sub, st, err
}

// List is every subscription registered in the log and not deleted,
// without secrets, with its state.
func (s *Service) List(ctx context.Context) ([]Subscription, []State, error) {
	subs, err := s.store.Subscriptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var listed []Subscription
	var states []State
	for _, sub := range subs {
		w, _, ok := s.logged(sub.ID)
		if !ok || w.Deleted {
			continue
		}
		st, _, err := s.state(ctx, sub.ID, w)
		if err != nil {
			return nil, nil, err
		}
		sub.Secret = ""
		listed, states = append(listed, sub), append(states, st)
	}
	return listed, states, nil
}

// Forget removes a subscription the log says is deleted: its secret, its
// feed and its state. Forgetting one already forgotten does nothing.
func (s *Service) Forget(ctx context.Context, id string) error {
	if w, _, ok := s.logged(id); ok && !w.Deleted {
		return fmt.Errorf("%w: webhook %s is not deleted in the log", events.ErrInvalid, id)
	}
	return s.store.DeleteSubscription(ctx, id)
}

// logged is the subscription as the log has it, and its aggregate's
// version; false when the log holds no registration of it.
func (s *Service) logged(id string) (w events.Webhook, version uint64, ok bool) {
	s.opts.Engine.View(func(st *events.State) {
		if p, found := st.Webhook(id); found {
			w, ok = *p, true
			version = st.Stream(events.Aggregate{Kind: events.KindWebhook, ID: id}).Version
		}
	})
	return w, version, ok
}

// state is the kept state, active when none is kept yet, and its
// revision, with the status the log gives w; failures before w became
// active (registered or resumed) count from then.
func (s *Service) state(ctx context.Context, id string, w events.Webhook) (State, uint64, error) {
	st, rev, err := s.store.State(ctx, id)
	st.Status, st.PausedReason, st.PausedAt = StatusActive, "", time.Time{}
	if w.Paused {
		st.Status, st.PausedReason, st.PausedAt = StatusPaused, w.Reason, w.PausedAt
	}
	if !st.FailingSince.IsZero() && st.FailingSince.Before(w.ActiveSince) {
		st.FailingSince = w.ActiveSince
	}
	if st.Recent == nil {
		st.Recent = []Delivery{}
	}
	return st, rev, err
}
