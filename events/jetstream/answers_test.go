package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestTheAnswerBucketKeepsTheFirstAnswerOnDiskForADay(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	answers, err := jstest.Open(t, srv).Answers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("ab", 32)
	if kept, err := answers.KeepAnswer(ctx, id, []byte(`{"first":true}`)); !kept || err != nil {
		t.Fatalf("the first answer was not kept: %v %v", kept, err)
	}
	if kept, err := answers.KeepAnswer(ctx, id, []byte(`{"first":false}`)); kept || err != nil {
		t.Fatalf("a second answer for the same id answered %v %v, want false without error", kept, err)
	}
	for _, bad := range []string{"", "register-ines", strings.Repeat("AB", 32), "a.b"} {
		if _, err := answers.KeepAnswer(ctx, bad, []byte(`{}`)); !errors.Is(err, events.ErrInvalid) {
			t.Fatalf("id %q answered %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := answers.KeepAnswer(ctx, strings.Repeat("cd", 32), make([]byte, 2<<20)); !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("an answer larger than a message answered %v, want ErrInvalid", err)
	}

	// Another store on the same server, as a restarted or second tracker.
	again, err := jstest.Open(t, srv).Answers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, found, err := again.Answer(ctx, id); err != nil || !found || string(got) != `{"first":true}` {
		t.Fatalf("another store read %q %v %v, want the first answer", got, found, err)
	}
	if _, found, err := again.Answer(ctx, strings.Repeat("ef", 32)); found || err != nil {
		t.Fatalf("an id never kept answered %v %v", found, err)
	}

	if ttl, storage := bucketKeeps(t, srv, jetstream.AnswersBucket); ttl != jetstream.AnswerLifetime || storage != natsjs.FileStorage {
		t.Fatalf("the bucket keeps answers for %s in %s, want %s on disk", ttl, storage, jetstream.AnswerLifetime)
	}
}

func TestAReadOnlyStoreNeverCreatesTheAnswerBucket(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	jstest.Open(t, srv) // creates the CX stream, not the bucket
	if _, err := jstest.Open(t, srv, jetstream.OpenOnly()).Answers(context.Background()); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("a read-only store opened an answer bucket that does not exist: %v", err)
	}
}
