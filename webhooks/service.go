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

// MaxTypes is the most event types one subscription may name.
const MaxTypes = 64

// FieldError is a registration refused for one field's value.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ErrNotFound is returned for an id no subscription has.
var ErrNotFound = errors.New("no such webhook")

// Options are a Service's settings; zero values take the defaults.
type Options struct {
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
	wg      sync.WaitGroup
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
	return &Service{store: store, opts: o, client: NewClient(o.Timeout), running: map[string]context.CancelFunc{}}
}

// Register checks and stores a subscription of url to types for by, and
// answers it with its secret. Errors: *FieldError, or the store's.
func (s *Service) Register(ctx context.Context, url string, types []string, by string) (Subscription, error) {
	if url == "" {
		return Subscription{}, &FieldError{"url", "is required"}
	}
	if len(url) > MaxURL {
		return Subscription{}, &FieldError{"url", fmt.Sprintf("may be at most %d bytes long", MaxURL)}
	}
	if err := CheckURL(ctx, s.opts.Resolver, url); err != nil {
		return Subscription{}, &FieldError{"url", err.Error()}
	}
	if err := checkTypes(types); err != nil {
		return Subscription{}, err
	}
	sub := Subscription{ID: events.NewID(), URL: url, Types: slices.Clone(types), Secret: NewSecret(),
		CreatedAt: s.opts.Clock.Now(), CreatedBy: by}
	if err := s.store.CreateSubscription(ctx, sub); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// checkTypes refuses an empty or too long list, a repeated type, and a
// type the catalogue does not hold.
func checkTypes(types []string) error {
	if len(types) == 0 {
		return &FieldError{"types", "name at least one event type, such as cx.feedback.feedback_logged"}
	}
	if len(types) > MaxTypes {
		return &FieldError{"types", fmt.Sprintf("at most %d event types", MaxTypes)}
	}
	seen := map[string]bool{}
	for i, t := range types {
		if _, ok := events.LookupEventType(t); !ok {
			return &FieldError{"types", fmt.Sprintf("type %d (%q) is not an event type of the catalogue (events/EVENTS.md)", i, t)}
		}
		if seen[t] {
			return &FieldError{"types", fmt.Sprintf("type %q is named twice", t)}
		}
		seen[t] = true
	}
	return nil
}

// Get is the subscription with id, without its secret, and its state.
func (s *Service) Get(ctx context.Context, id string) (Subscription, State, error) {
	sub, ok, err := s.store.Subscription(ctx, id)
	if err != nil {
		return Subscription{}, State{}, err
	}
	if !ok {
		return Subscription{}, State{}, ErrNotFound
	}
	st, _, err := s.state(ctx, id)
	sub.Secret = ""
	return sub, st, err
}

// List is every subscription, without secrets, with its state.
func (s *Service) List(ctx context.Context) ([]Subscription, []State, error) {
	subs, err := s.store.Subscriptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	states := make([]State, len(subs))
	for i := range subs {
		subs[i].Secret = ""
		if states[i], _, err = s.state(ctx, subs[i].ID); err != nil {
			return nil, nil, err
		}
	}
	return subs, states, nil
}

// Remove deletes the subscription with id: nothing more is delivered.
func (s *Service) Remove(ctx context.Context, id string) (Subscription, error) {
	sub, _, err := s.Get(ctx, id)
	if err != nil {
		return Subscription{}, err
	}
	return sub, s.store.DeleteSubscription(ctx, id)
}

// Resume sets a paused subscription active again: its next event is tried
// at once, and a day of failures from then pauses it again.
func (s *Service) Resume(ctx context.Context, id string) error {
	if _, _, err := s.Get(ctx, id); err != nil {
		return err
	}
	for {
		st, rev, err := s.state(ctx, id)
		if err != nil {
			return err
		}
		st.Status, st.PausedReason, st.PausedAt, st.FailingSince = StatusActive, "", time.Time{}, time.Time{}
		if _, err = s.store.PutState(ctx, id, st, rev); !errors.Is(err, ErrStateChanged) {
			return err
		}
	}
}

// state is the kept state, active when none is kept yet, and its
// revision.
func (s *Service) state(ctx context.Context, id string) (State, uint64, error) {
	st, rev, err := s.store.State(ctx, id)
	if st.Status == "" {
		st.Status = StatusActive
	}
	if st.Recent == nil {
		st.Recent = []Delivery{}
	}
	return st, rev, err
}
