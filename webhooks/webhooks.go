// Package webhooks pushes the log's events to other systems over HTTP: a
// subscription names a URL and the event types it wants, and each of its
// events is POSTed there as a CloudEvent in structured JSON mode, signed the
// way the Standard Webhooks specification says, at least once and in log
// order. Every subscription follows the log on a durable consumer of its own
// (events/jetstream/webhooks.go), so a dead endpoint holds up nobody else,
// and delivery runs beside the write path, never on it.
//
// The package knows no NATS: the Store it runs on is an interface, kept by
// the JetStream store in two key-value buckets beside the log. The signing
// secret lives only there, never in the CX stream.
package webhooks

import (
	"strings"
	"time"
)

// Status values of a subscription.
const (
	StatusActive = "active"
	StatusPaused = "paused"
)

// PauseAfter is how long a subscription may fail without a success before
// it is paused.
const PauseAfter = 24 * time.Hour

// MaxError is the most of an error's text a delivery keeps.
const MaxError = 1000

// RecentKept is how many of its latest deliveries a subscription's state
// keeps.
const RecentKept = 50

// Subscription is one registered endpoint and what it wants. Secret is the
// Standard Webhooks signing secret ("whsec_" and base64); only the store
// and the registering answer ever hold it.
type Subscription struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Types     []string  `json:"types"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"registered_by,omitempty"`
	// Logged marks a subscription kept since registrations are events: it
	// delivers only once the log holds its webhook_registered. One kept
	// before (false) is registered in the log by Run on its behalf.
	Logged bool `json:"logged,omitempty"`
}

// State is how a subscription's deliveries go: kept apart from the
// subscription, written by whichever replica delivers. Its status, and
// why and since when it is paused, are the log's (events.Webhook), set as
// it is read and never kept here.
type State struct {
	Status string `json:"-"`
	// PausedReason says why a paused subscription is paused.
	PausedReason string    `json:"-"`
	PausedAt     time.Time `json:"-"`
	// FailingSince is when the first failure since the last success
	// happened; zero while deliveries succeed.
	FailingSince time.Time `json:"failing_since,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
	Delivered    uint64    `json:"delivered"`
	Failed       uint64    `json:"failed_attempts"`
	// LastSeq is the stream sequence of the last event delivered.
	LastSeq uint64 `json:"last_seq,omitempty"`
	// Recent are the latest attempts, newest first, at most RecentKept.
	Recent []Delivery `json:"recent"`
}

// Delivery is one attempt to deliver one event.
type Delivery struct {
	EventID   string    `json:"event_id"`
	Seq       uint64    `json:"seq"`
	Type      string    `json:"type"`
	Attempt   int       `json:"attempt"`
	At        time.Time `json:"at"`
	Status    int       `json:"status,omitempty" doc:"the receiver's HTTP status; absent when it did not answer"`
	Succeeded bool      `json:"succeeded"`
	Error     string    `json:"error,omitempty"`
}

// record adds an attempt to the state: a success clears the failure, a
// failure starts or continues it.
func (st *State) record(d Delivery) {
	if len(d.Error) > MaxError {
		d.Error = strings.ToValidUTF8(d.Error[:MaxError-3], "") + "..."
	}
	st.Recent = append([]Delivery{d}, st.Recent...)
	if len(st.Recent) > RecentKept {
		st.Recent = st.Recent[:RecentKept]
	}
	if d.Succeeded {
		st.Delivered++
		st.LastSeq = max(st.LastSeq, d.Seq)
		st.FailingSince = time.Time{}
		return
	}
	st.Failed++
	st.LastError, st.LastErrorAt = d.Error, d.At
	if st.FailingSince.IsZero() {
		st.FailingSince = d.At
	}
}

// Backoff is the pause before the attempt after attempt (1 for the
// first): 1 s doubling, at most an hour.
func Backoff(attempt int, first, most time.Duration) time.Duration {
	d := first
	for i := 1; i < attempt && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}
