package events

import (
	"fmt"
	neturl "net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// KindWebhook is the aggregate of one webhook subscription: an outside URL
// the program's events are sent to. Its events are the audit trail of who
// started sending which events where, and when it stopped or paused. The
// signing secret is never in them: it is kept beside the log
// (events/jetstream/webhooks.go), like the tokens' hashes.
const KindWebhook = "webhook"

// webhookEvents registers the event types of this aggregate in the
// catalogue (catalogue.go).
var webhookEvents = []EventType{
	def[WebhookRegistered](KindWebhook, 1),
	def[WebhookPaused](KindWebhook, 1),
	def[WebhookResumed](KindWebhook, 1),
	def[WebhookDeleted](KindWebhook, 1),
}

// Event names of the webhook aggregate.
const (
	EventWebhookRegistered = "webhook_registered"
	EventWebhookPaused     = "webhook_paused"
	EventWebhookResumed    = "webhook_resumed"
	EventWebhookDeleted    = "webhook_deleted"
)

// Limits of a webhook subscription.
const (
	// MaxWebhookURL is the longest endpoint URL, in bytes.
	MaxWebhookURL = 2048
	// MaxWebhookTypes is the most event types one subscription may name.
	MaxWebhookTypes = 64
)

// WebhookRegistered says the program's events of Types are sent, from now
// on, to URL. Who registered it is the envelope's actor.
type WebhookRegistered struct {
	WebhookID string   `json:"webhook_id"`
	URL       string   `json:"url"`
	Types     []string `json:"types"`
}

// WebhookPaused says deliveries to the webhook stopped until it is
// resumed, and why. The delivery service writes it (actor "webhooks")
// after a day of failures.
type WebhookPaused struct {
	WebhookID string `json:"webhook_id"`
	Reason    string `json:"reason"`
}

// WebhookResumed says deliveries to a paused webhook go on, beginning with
// the event it was held at.
type WebhookResumed struct {
	WebhookID string `json:"webhook_id"`
}

// WebhookDeleted says nothing more is sent to the webhook.
type WebhookDeleted struct {
	WebhookID string `json:"webhook_id"`
}

func (WebhookRegistered) EventName() string { return EventWebhookRegistered }
func (WebhookPaused) EventName() string     { return EventWebhookPaused }
func (WebhookResumed) EventName() string    { return EventWebhookResumed }
func (WebhookDeleted) EventName() string    { return EventWebhookDeleted }

// Webhook is a subscription as the log has it. It delivers while it is
// neither paused nor deleted (Active).
type Webhook struct {
	ID     string
	URL    string
	Types  []string
	Paused bool
	Reason string
	// PausedAt is the business time of the pause, while it is paused.
	PausedAt time.Time
	Deleted  bool
	// ActiveSince is the business time of its registration or of its
	// latest resumption: failures before it do not count towards a pause.
	ActiveSince time.Time
}

// Active says whether events are delivered to the webhook.
func (w *Webhook) Active() bool { return !w.Paused && !w.Deleted }

func (w *Webhook) apply(ev Payload, at time.Time) {
	switch e := ev.(type) {
	case WebhookRegistered:
		w.URL, w.Types, w.ActiveSince = e.URL, e.Types, at
	case WebhookPaused:
		w.Paused, w.Reason, w.PausedAt = true, e.Reason, at
	case WebhookResumed:
		w.Paused, w.Reason, w.PausedAt, w.ActiveSince = false, "", time.Time{}, at
	case WebhookDeleted:
		w.Deleted = true
	}
}

// Webhook is the webhook with id, and false if the log holds no
// registration of it.
func (s *State) Webhook(id string) (*Webhook, bool) {
	w, ok := s.webhooks[id]
	return w, ok
}

// CheckWebhook checks a subscription's URL as text (the service checks
// where it leads) and its types: at least one, at most MaxWebhookTypes,
// each of the catalogue, none twice.
//
// Errors: *Error (CodeInvalid).
func CheckWebhook(url string, types []string) error {
	var v checks
	checkWebhook(&v, url, types)
	return v.err()
}

func checkWebhook(v *checks, url string, types []string) {
	switch {
	case url == "":
		v.fail("url", "is required")
	case len(url) > MaxWebhookURL:
		v.fail("url", "may be at most %d bytes long", MaxWebhookURL)
	case strings.ContainsFunc(url, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		v.fail("url", "holds a space or a control character")
	case hasUserinfo(url):
		v.fail("url", "may not carry a user name or password: every reader of the audit log sees the url; the receiver knows the tracker by the signature")
	}
	switch {
	case len(types) == 0:
		v.fail("types", "name at least one event type, such as %s", Type(KindFeedback, EventFeedbackLogged))
	case len(types) > MaxWebhookTypes:
		v.fail("types", "at most %d event types", MaxWebhookTypes)
	}
	for i, t := range types {
		if _, ok := LookupEventType(t); !ok {
			v.fail("types", "type %d (%q) is not an event type of the catalogue (events/EVENTS.md)", i, t)
		} else if slices.Index(types, t) < i {
			v.fail("types", "type %q is named twice", t)
		}
	}
}

// RegisterWebhook records a subscription whose secret the service has
// kept: WebhookID is the id it is kept under.
type RegisterWebhook struct {
	WebhookID string
	URL       string
	Types     []string
}

// Decide registers a webhook once.
func (c RegisterWebhook) Decide(s *State) (Decision, error) {
	var v checks
	v.id("webhook_id", c.WebhookID)
	checkWebhook(&v, c.URL, c.Types)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.webhooks[c.WebhookID]; ok {
		return Decision{}, ruleForbids("webhook %q is registered already", c.WebhookID)
	}
	return decide(Aggregate{KindWebhook, c.WebhookID},
		WebhookRegistered{WebhookID: c.WebhookID, URL: c.URL, Types: slices.Clone(c.Types)})
}

// webhook is the registered webhook with id that is not deleted.
func (s *State) webhook(id string) (*Webhook, error) {
	var v checks
	v.id("webhook_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	w, ok := s.webhooks[id]
	if !ok || w.Deleted {
		return nil, notFound("webhook", id)
	}
	return w, nil
}

// PauseWebhook stops deliveries to a webhook, saying why.
type PauseWebhook struct {
	WebhookID string
	Reason    string
}

// Decide pauses an active webhook; one paused already stays as it is and
// nothing is written, so that two replicas pausing it write one event.
func (c PauseWebhook) Decide(s *State) (Decision, error) {
	w, err := s.webhook(c.WebhookID)
	if err != nil {
		return Decision{}, err
	}
	var v checks
	v.text("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if w.Paused {
		return decide(Aggregate{KindWebhook, w.ID})
	}
	return decide(Aggregate{KindWebhook, w.ID}, WebhookPaused{WebhookID: w.ID, Reason: c.Reason})
}

// ResumeWebhook sets a paused webhook delivering again.
type ResumeWebhook struct{ WebhookID string }

// Decide resumes a paused webhook; an active one writes nothing.
func (c ResumeWebhook) Decide(s *State) (Decision, error) {
	w, err := s.webhook(c.WebhookID)
	if err != nil {
		return Decision{}, err
	}
	if !w.Paused {
		return decide(Aggregate{KindWebhook, w.ID})
	}
	return decide(Aggregate{KindWebhook, w.ID}, WebhookResumed{WebhookID: w.ID})
}

// DeleteWebhook ends a webhook: nothing more is delivered to it.
type DeleteWebhook struct{ WebhookID string }

// Decide deletes a webhook that is not deleted yet.
func (c DeleteWebhook) Decide(s *State) (Decision, error) {
	w, err := s.webhook(c.WebhookID)
	if err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindWebhook, w.ID}, WebhookDeleted{WebhookID: w.ID})
}

// WebhookPauseID is the event id of the automatic pause of webhook id
// while its aggregate is at version: every replica that finds the webhook
// failing for a day at that version derives the same id, so the log's
// duplicate window refuses a second copy even where the expected-sequence
// check does not see it (a retry of an append whose answer was lost).
func WebhookPauseID(id string, version uint64) string {
	return DerivedID("webhook paused", id, fmt.Sprint(version))
}

// hasUserinfo says whether raw names a user (and perhaps a password)
// before its host, as in https://user:pass@host/.
func hasUserinfo(raw string) bool {
	u, err := neturl.Parse(raw)
	return err == nil && u.User != nil
}
