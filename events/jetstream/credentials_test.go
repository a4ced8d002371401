package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestCredentialsKeepTheFirstHashOfATokenAndFollowWhatIsKeptLater(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := jstest.Server(t, t.TempDir())
	creds, err := jstest.Open(t, srv).Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, second, later := strings.Repeat("1a", 32), strings.Repeat("2b", 32), strings.Repeat("3c", 32)
	id, otherID := events.NewID(), events.NewID()
	if kept, err := creds.Keep(ctx, id, first); !kept || err != nil {
		t.Fatalf("the first hash of a token was not kept: %v %v", kept, err)
	}
	if kept, err := creds.Keep(ctx, id, second); kept || err != nil {
		t.Fatalf("a second hash for the same token answered %v %v, want false without error", kept, err)
	}
	if _, err := creds.Keep(ctx, otherID, "not-a-hash"); !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("a malformed hash answered %v, want ErrInvalid", err)
	}

	// Another store on the same server, as a restarted or second tracker.
	again, err := jstest.Open(t, srv).Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Hash asks the bucket's leader, for a token whose hash the watch has
	// not delivered yet.
	if got, err := again.Hash(ctx, id); got != first || err != nil {
		t.Fatalf("Hash of a kept token answered %q %v, want its first hash", got, err)
	}
	if got, err := again.Hash(ctx, otherID); got != "" || err != nil {
		t.Fatalf("Hash of a token with no hash answered %q %v, want none", got, err)
	}
	if _, err := again.Hash(ctx, "no.such id"); !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("Hash of a malformed id answered %v, want ErrInvalid", err)
	}
	seen := make(chan [2]string, 4)
	if err := again.Follow(ctx, func(id, hash string) { seen <- [2]string{id, hash} }); err != nil {
		t.Fatal(err)
	}
	if got := <-seen; got != [2]string{id, first} {
		t.Fatalf("Follow gave %v first, want the token's first hash", got)
	}
	if len(seen) != 0 {
		t.Fatalf("Follow gave more than was kept: %v", <-seen)
	}
	if _, err := creds.Keep(ctx, otherID, later); err != nil {
		t.Fatal(err)
	}
	if got := <-seen; got != [2]string{otherID, later} {
		t.Fatalf("Follow gave %v after a later Keep", got)
	}
}

func TestAReadOnlyStoreNeverCreatesTheCredentialBucket(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	jstest.Open(t, srv) // creates the CX stream, not the bucket
	if _, err := jstest.Open(t, srv, jetstream.OpenOnly()).Credentials(context.Background()); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("a read-only store opened a credential bucket that does not exist: %v", err)
	}
}
