package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CloudEvents attributes of every event this tracker writes.
const (
	SpecVersion = "1.0"
	// ContentType is the media type of a structured-mode CloudEvent in JSON.
	ContentType = "application/cloudevents+json"
	// DataContentType is the media type of every event's data.
	DataContentType = "application/json"
	// DefaultSource is the CloudEvents source of events written by this product.
	DefaultSource = "/cxtracker"
)

// Event is one fact of the program's history, exactly as it is stored: a
// CloudEvents 1.0 event in structured JSON mode. Extension attribute names are
// lower-case letters and digits only, as the CloudEvents spec requires.
type Event struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Source          string          `json:"source"`
	Subject         string          `json:"subject"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`

	// SchemaVersion is the version of Data's shape for this Type; readers
	// upcast older versions to the current one.
	SchemaVersion int `json:"schemaversion"`
	// AggregateVersion counts the aggregate's events: 1 for its first.
	AggregateVersion uint64 `json:"aggregateversion"`
	// Actor is the person who caused the event; ActorToken the token they used.
	Actor      string `json:"actor,omitempty"`
	ActorToken string `json:"actortoken,omitempty"`
	// CorrelationID ties together everything one request caused;
	// CausationID is the id of the event or command that caused this one.
	CorrelationID string `json:"correlationid,omitempty"`
	CausationID   string `json:"causationid,omitempty"`
	// IdempotencyKey is the client's Idempotency-Key of the request that
	// caused the event, so that a retry is recognised even after a restart.
	IdempotencyKey string `json:"idempotencykey,omitempty"`
	// RequestHash is the fingerprint of the keyed request (its token,
	// method, route and body), so that the key, once used, answers only the
	// same request, on any replica and after a restart.
	RequestHash string `json:"requesthash,omitempty"`
}

// Type is the CloudEvents type of the event called name on aggregates of kind:
// cx.<kind>.<name>.
func Type(kind, name string) string { return SubjectPrefix + "." + kind + "." + name }

// Name is the event's name, the last token of its type and of its subject.
func (e *Event) Name() string {
	return e.Type[strings.LastIndexByte(e.Type, '.')+1:]
}

// Kind is the aggregate kind named by the event's type.
func (e *Event) Kind() string {
	rest := strings.TrimPrefix(e.Type, SubjectPrefix+".")
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		return rest[:i]
	}
	return ""
}

// Validate checks what the log relies on: the required CloudEvents
// attributes, a type of the form cx.<kind>.<name>, and JSON data.
func (e *Event) Validate() error {
	return e.validate(true)
}

// validate checks the attributes, and the data too when checkData is set
// (a decoder has already proved the data is JSON).
func (e *Event) validate(checkData bool) error {
	var problems []string
	if e.SpecVersion != SpecVersion {
		problems = append(problems, fmt.Sprintf("specversion %q is not %q", e.SpecVersion, SpecVersion))
	}
	if e.ID == "" {
		problems = append(problems, "id is empty")
	}
	if e.Source == "" {
		problems = append(problems, "source is empty")
	}
	if e.Time.IsZero() {
		problems = append(problems, "time is missing")
	}
	// Cut rather than Split: every event read is validated, and this
	// allocates nothing.
	prefix, rest, _ := strings.Cut(e.Type, ".")
	kind, name, _ := strings.Cut(rest, ".")
	if prefix != SubjectPrefix || validToken("kind", kind) != nil || validToken("name", name) != nil {
		problems = append(problems, fmt.Sprintf("type %q is not %s.<aggregate>.<event>", e.Type, SubjectPrefix))
	}
	if len(e.Data) == 0 || (checkData && !json.Valid(e.Data)) {
		problems = append(problems, "data is not JSON")
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid event %q: %s", e.ID, strings.Join(problems, "; "))
	}
	return nil
}

// Encode is the event's stored form: the bytes json.Marshal writes for it
// (appendEnvelope), with the data checked to be JSON as they are compacted.
func (e *Event) Encode() ([]byte, error) {
	if err := e.validate(false); err != nil {
		return nil, err
	}
	out, err := e.appendEnvelope(make([]byte, 0, 384+len(e.Data)))
	if err != nil {
		if verr := e.Validate(); verr != nil {
			return nil, verr
		}
		return nil, fmt.Errorf("encode event %q: %w", e.ID, err)
	}
	return out, nil
}

// ErrUndecodable marks a stored message that is not one of our events.
var ErrUndecodable = errors.New("undecodable event")

// ErrUnknownType marks, along with ErrUndecodable, an event whose type or
// schema version this build does not know: most likely written by a newer
// release during a rolling upgrade, not damage.
var ErrUnknownType = errors.New("written by a newer version?")
