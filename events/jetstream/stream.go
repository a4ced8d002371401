package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// StreamName is the one stream that holds the whole program's history.
const StreamName = "CX"

// DuplicateWindow is how long the server remembers event ids to drop a
// retried publish. Conditional appends are also protected beyond it by their
// expected sequence.
const DuplicateWindow = 2 * time.Minute

// StreamConfig is the audit-grade configuration of the CX stream: file
// storage, nothing ever removed (no limits, no deletes, no purges, no
// rollups), new writes refused rather than old ones dropped when full.
func StreamConfig(replicas int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:               StreamName,
		Description:        "CX program events: the audit trail, never rewritten",
		Subjects:           []string{events.SubjectPrefix + ".>"},
		Storage:            jetstream.FileStorage,
		Retention:          jetstream.LimitsPolicy,
		Discard:            jetstream.DiscardNew,
		MaxAge:             0,
		MaxBytes:           -1,
		MaxMsgs:            -1,
		MaxMsgsPerSubject:  -1,
		Duplicates:         DuplicateWindow,
		DenyDelete:         true,
		DenyPurge:          true,
		AllowRollup:        false,
		AllowDirect:        true,
		AllowAtomicPublish: true,
		Replicas:           max(replicas, 1),
	}
}

// ErrNoStream says there is no CX stream where one was expected.
var ErrNoStream = errors.New("no CX event log here")

// ErrWeakStream says an existing CX stream is configured below the audit grade.
var ErrWeakStream = errors.New("the CX stream exists with weaker settings than the audit trail needs")

// EnsureStream creates the CX stream on first start (when create is set). On later starts it checks
// the stream that exists and refuses one whose settings are weaker than
// StreamConfig's, naming each, rather than silently writing to it.
func EnsureStream(ctx context.Context, js jetstream.JetStream, replicas int, create bool) (jetstream.Stream, error) {
	want := StreamConfig(replicas)
	st, err := js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) && !create {
		return nil, ErrNoStream
	}
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = createStream(ctx, js, want)
		if err != nil {
			return nil, fmt.Errorf("create stream %s: %w", StreamName, err)
		}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up stream %s: %w", StreamName, err)
	}
	if weak := Weaknesses(st.CachedInfo().Config, want); len(weak) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrWeakStream, strings.Join(weak, "; "))
	}
	return st, nil
}

// Weaknesses lists every way have falls short of want. Atomic publish is not
// among them: a server without it is served by one publish per append.
func Weaknesses(have, want jetstream.StreamConfig) []string {
	var w []string
	check := func(bad bool, format string, args ...any) {
		if bad {
			w = append(w, fmt.Sprintf(format, args...))
		}
	}
	for _, s := range want.Subjects {
		check(!slices.Contains(have.Subjects, s), "subjects %v do not include %s", have.Subjects, s)
	}
	check(have.Storage != jetstream.FileStorage, "storage is %s, not file", have.Storage)
	check(have.Retention != jetstream.LimitsPolicy, "retention is %s, not limits", have.Retention)
	check(have.Discard != jetstream.DiscardNew, "old events are discarded when the stream is full")
	check(have.MaxAge > 0, "messages expire after %s", have.MaxAge)
	check(have.MaxBytes > 0, "size is limited to %d bytes", have.MaxBytes)
	check(have.MaxMsgs > 0, "count is limited to %d messages", have.MaxMsgs)
	check(have.MaxMsgsPerSubject > 0, "each subject keeps only %d messages", have.MaxMsgsPerSubject)
	check(have.Duplicates <= 0, "no duplicate window")
	check(!have.DenyDelete, "deletes are allowed")
	check(!have.DenyPurge, "purges are allowed")
	check(have.AllowRollup, "rollups are allowed")
	check(!have.AllowDirect, "direct get is off")
	check(have.Replicas < want.Replicas, "%d replicas, %d wanted", have.Replicas, want.Replicas)
	check(have.Sealed, "the stream is sealed")
	check(have.PersistMode == jetstream.AsyncPersistMode, "writes are acknowledged before they are stored (persist_mode async)")
	return w
}

// createStream creates the stream cfg names. A cluster that is still
// forming (its meta leader not yet having heard from enough peers to place
// the replicas) answers "no suitable peers"; that is asked again, every
// quarter second for up to placementWait, as long as ctx lets it.
func createStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	deadline := time.Now().Add(placementWait)
	for {
		st, err := js.CreateStream(ctx, cfg)
		var apiErr *jetstream.APIError
		if err == nil || !errors.As(err, &apiErr) || apiErr.ErrorCode != noPeersErrCode || time.Now().After(deadline) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// noPeersErrCode is the server's "no suitable peers for placement".
const noPeersErrCode jetstream.ErrorCode = 10005

// placementWait is how long createStream waits for a forming cluster.
const placementWait = 15 * time.Second
