package events

import (
	"fmt"
	"time"
)

// Every event carries two times. Its business time is when it happened in
// the program: the CloudEvents time (Event.Time), set from Meta.Time, or
// now on the Engine's clock when the command gives none. Its recorded time
// is when the log stored it (Record.Stored), which no writer sets.
//
// The rules on a business time given with a command are the Engine's,
// decided under its lock with the command (Engine.prepare):
//   - it may not be in the future (CodeInvalid, field occurred_at);
//   - it may not be before the business time of the aggregate's events so
//     far (CodeRuleForbids, naming that time), so that an aggregate's
//     history reads in the order it happened. Feedback partitions are
//     exempt: a touchpoint's items are not one history but many customers'
//     facts, logged in whatever order they reach the tracker.
//
// A time the command does not give is the Engine's now and is not held
// against the aggregate's history: a replica whose clock is a little behind
// another's must not refuse a plain write.

// FieldOccurredAt is the name clients give an event's business time.
const FieldOccurredAt = "occurred_at"

// dated is a payload that carries its own business time, such as the
// occurred_at of a feedback item: its event's time is that instant, so the
// two never disagree. A zero time means the payload has none.
type dated interface {
	businessTime() time.Time
}

func (e FeedbackLogged) businessTime() time.Time { return e.OccurredAt }

// eventTime is the business time of p's event: p's own when it carries
// one, otherwise meta's.
func eventTime(p Payload, meta Meta) time.Time {
	if d, ok := p.(dated); ok {
		if t := d.businessTime(); !t.IsZero() {
			return t
		}
	}
	return meta.Time
}

// CheckNotFuture rejects a business time after now, saying how far ahead it
// is, with field as the field to blame.
func CheckNotFuture(field string, t, now time.Time) error {
	if !t.After(now) {
		return nil
	}
	return invalidField(field, fmt.Sprintf("is %s in the future (now is %s): an event cannot have happened yet",
		t.Sub(now).Round(time.Second), now.UTC().Format(time.RFC3339)))
}

// checkTimes applies the rules on business times to the events of a
// decision on agg; given says the command gave its own time (Meta.Time).
func (s *State) checkTimes(agg Aggregate, evs []Event, given bool, now time.Time) error {
	for i, ev := range evs {
		field := FieldOccurredAt
		if len(evs) > 1 && agg.Kind == KindFeedback {
			field = fmt.Sprintf("items[%d].%s", i, FieldOccurredAt)
		}
		if err := CheckNotFuture(field, ev.Time, now); err != nil {
			return err
		}
	}
	if !given || agg.Kind == KindFeedback || len(evs) == 0 {
		return nil
	}
	if last := s.streams[agg].Occurred; evs[0].Time.Before(last) {
		return &Error{Code: CodeRuleForbids, Message: fmt.Sprintf(
			"occurred_at %s is before %s's previous event, which happened at %s: an aggregate's events are dated in the order they happened",
			evs[0].Time.Format(time.RFC3339Nano), agg, last.Format(time.RFC3339Nano))}
	}
	return nil
}
