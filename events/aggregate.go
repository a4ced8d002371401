package events

import (
	"fmt"
	"strings"
)

// SubjectPrefix is the first token of every event subject in the log.
const SubjectPrefix = "cx"

// Aggregate names one consistency boundary of the program: an entity (a crew,
// an initiative) or a partition that groups many small facts (the feedback of
// one touchpoint). Its events live on the subjects cx.<kind>.<id>.<event>.
type Aggregate struct {
	Kind string
	ID   string
}

// Subject is the NATS subject of the event called name on this aggregate.
func (a Aggregate) Subject(name string) string {
	return SubjectPrefix + "." + a.Kind + "." + a.ID + "." + name
}

// Filter is the subject filter that matches every event of this aggregate. It
// is also the subject the optimistic concurrency check is made against, so
// every writer to the aggregate sends exactly this string.
func (a Aggregate) Filter() string {
	return SubjectPrefix + "." + a.Kind + "." + a.ID + ".*"
}

// String is the aggregate as <kind>/<id>, the CloudEvents subject of its events.
func (a Aggregate) String() string { return a.Kind + "/" + a.ID }

// Is reports whether s is a's String, without building it.
func (a Aggregate) Is(s string) bool {
	k := len(a.Kind)
	return len(s) == k+1+len(a.ID) && s[:k] == a.Kind && s[k] == '/' && s[k+1:] == a.ID
}

// Validate reports whether both parts are usable as single subject tokens.
func (a Aggregate) Validate() error {
	if err := validToken("aggregate kind", a.Kind); err != nil {
		return err
	}
	return validToken("aggregate id", a.ID)
}

// ParseSubject splits cx.<kind>.<id>.<event> into the aggregate and the event name.
func ParseSubject(subject string) (Aggregate, string, error) {
	// Cut rather than Split: every replay parses every record's subject,
	// and this allocates nothing.
	prefix, rest, ok1 := strings.Cut(subject, ".")
	kind, rest, ok2 := strings.Cut(rest, ".")
	id, name, ok3 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || !ok3 || prefix != SubjectPrefix || strings.Contains(name, ".") {
		return Aggregate{}, "", fmt.Errorf("subject %q is not %s.<aggregate>.<id>.<event>", subject, SubjectPrefix)
	}
	agg := Aggregate{Kind: kind, ID: id}
	if err := agg.Validate(); err != nil {
		return Aggregate{}, "", err
	}
	if err := validToken("event name", name); err != nil {
		return Aggregate{}, "", err
	}
	return agg, name, nil
}

// validToken rejects what cannot stand as one NATS subject token: empty text,
// separators, wildcards and white space.
func validToken(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if strings.ContainsAny(s, ".*> \t\r\n") {
		return fmt.Errorf("%s %q contains a character not allowed in a subject token", what, s)
	}
	return nil
}
