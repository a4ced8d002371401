package events

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is the append-only event log.
type Store interface {
	// Append stores evs, in order and atomically, as the next events of agg,
	// provided that expect holds for the aggregate's last stream sequence.
	// Appending events whose ids are already stored is recognised as a retry
	// and answered with the stored position and Duplicate set.
	//
	// Errors: *ConflictError (expect does not hold), ErrInvalid (the events or
	// the aggregate cannot be stored as given), ErrUnavailable (the log did not
	// answer; whether the events were stored is unknown, and the same call may
	// be retried safely), ErrInsufficientStorage (the disk is full; nothing
	// was stored).
	Append(ctx context.Context, agg Aggregate, expect Expect, evs ...Event) (Appended, error)

	// Read calls fn for each event from the position on, in stream order, up to
	// the last event stored when Read began, then returns nil.
	//
	// Errors: *GapError, ErrUndecodable, ErrUnavailable, or fn's own error.
	Read(ctx context.Context, from Position, fn func(Record) error) error

	// Follow calls fn for each event from the position on, in stream order,
	// including events appended later, until ctx ends (returning ctx's error)
	// or fn fails.
	//
	// Errors: as Read, and ctx.Err().
	Follow(ctx context.Context, from Position, fn func(Record) error) error

	// LastSeq is the stream sequence of the newest event in the log, 0 if none.
	LastSeq(ctx context.Context) (uint64, error)
}

// Appended says where an append's events were stored.
type Appended struct {
	// FirstSeq and LastSeq are the stream sequences of the first and last event.
	FirstSeq, LastSeq uint64
	// Duplicate is set when the events were already stored by an earlier try.
	Duplicate bool
}

// Record is one stored event together with its place in the log.
type Record struct {
	Seq     uint64
	Subject string
	// Stored is when the log stored the event: the server's clock, which
	// never goes back along the stream, unlike the events' own times. It is
	// in UTC, so that nothing shown from it depends on the time zone.
	Stored time.Time
	Event  Event
	// Raw is the event's bytes exactly as stored; the log digest chains them.
	Raw []byte
	// Damage is set, only in a read that asked for damage (Position.Tolerant),
	// when the sequence holds no event this tracker can read: ErrUndecodable
	// (stored bytes that are not an envelope; Event is zero) or ErrMissing
	// (the log's range holds the sequence but the server cannot deliver it).
	// The reader goes on past it, so one bad message cannot stop a replay.
	Damage error
}

// ReadRecord is the record of raw, the bytes the log stored at seq on
// subject at the time stored: decoded, with the stored time in UTC. The
// reader of the log and the test tape (events/eventtest) both build records
// here, so a test's records are what a real read delivers. The error is the
// decoding's; the record then holds the bytes but no event.
func ReadRecord(seq uint64, subject string, stored time.Time, raw []byte) (Record, error) {
	ev, err := Decode(raw)
	return Record{Seq: seq, Subject: subject, Stored: stored.UTC(), Event: ev, Raw: raw}, err
}

// Position says where reading starts: at a stream sequence, or at the first
// event stored at or after a time; and, with Subject, which events: a NATS
// subject filter such as cx.crew.> or cx.*.*.vote_cast. A filtered read
// skips other events by design, so only its order is checked, not gaps.
type Position struct {
	Seq     uint64
	Time    time.Time
	Subject string
	// Tolerant reads deliver a damaged or missing sequence as a Record with
	// Damage set and go on; other reads stop at it with *CorruptError or
	// *GapError, so that a caller that cannot judge damage never sees it.
	Tolerant bool
}

// WithDamage is the position of a tolerant read (see Position.Tolerant).
func (p Position) WithDamage() Position {
	p.Tolerant = true
	return p
}

// Only narrows the position to the events on subjects matching filter.
func (p Position) Only(filter string) Position {
	p.Subject = filter
	return p
}

// FromSeq starts reading at stream sequence seq (1 is the start of the log).
func FromSeq(seq uint64) Position { return Position{Seq: max(seq, 1)} }

// FromTime starts reading at the first event stored at or after t.
func FromTime(t time.Time) Position { return Position{Time: t} }

// Expect is the condition an append puts on the aggregate's last sequence.
type Expect struct {
	seq uint64
	any bool
}

// ExpectNew requires that the aggregate has no events yet.
func ExpectNew() Expect { return Expect{} }

// ExpectSeq requires that the aggregate's newest event is at stream sequence
// seq; 0 means the aggregate must have no events yet.
func ExpectSeq(seq uint64) Expect { return Expect{seq: seq} }

// ExpectAny puts no condition on the aggregate: for facts that no rule of the
// aggregate can reject, such as a feedback item on a partition.
func ExpectAny() Expect { return Expect{any: true} }

// Seq is the expected last sequence, and false when any sequence will do.
func (e Expect) Seq() (uint64, bool) { return e.seq, !e.any }

func (e Expect) String() string {
	switch {
	case e.any:
		return "any"
	case e.seq == 0:
		return "new"
	default:
		return fmt.Sprintf("seq %d", e.seq)
	}
}

// Errors a Store returns, to be matched with errors.Is.
var (
	ErrConflict    = errors.New("concurrent change")
	ErrInvalid     = errors.New("invalid append")
	ErrUnavailable = errors.New("event log unavailable")
	ErrGap         = errors.New("gap in the event log")
	// ErrInsufficientStorage says the log's disk is full: nothing was
	// stored, and writes fail until space is freed; reads go on.
	ErrInsufficientStorage = errors.New("the event log's disk is full")
	// ErrMissing marks a sequence inside the log's range that the server
	// cannot deliver: deleted, or damaged on disk past its checksum.
	ErrMissing = errors.New("missing from the event log")
)

// ConflictError says that another append changed the aggregate since its
// state was read: the caller catches up and decides again.
type ConflictError struct {
	Aggregate Aggregate
	Expected  Expect
	// Actual is the aggregate's last stream sequence, when the log said.
	Actual uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: %s expected %s, the log is at seq %d", ErrConflict, e.Aggregate, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// GapError says the reader saw a stream sequence that did not follow the one
// before it. A reader stops rather than skip: a gap means lost history.
type GapError struct {
	After, Got uint64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("%s: after seq %d came seq %d", ErrGap, e.After, e.Got)
}

// Is makes errors.Is(err, ErrGap) hold.
func (e *GapError) Is(target error) bool { return target == ErrGap }

// CorruptError says the record stored at Seq is not an event this tracker can
// read. A reader stops at it, as at a gap.
type CorruptError struct {
	Seq     uint64
	Subject string
	Err     error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("seq %d (%s): %v", e.Seq, e.Subject, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }
