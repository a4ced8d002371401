package jetstream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// body is a checkpoint's bytes that write themselves as often as asked.
type body []byte

func (b body) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b)
	return int64(n), err
}

func TestCheckpointsAreKeptNewestFirstCheckedOnReadAndPruned(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	st := jstest.Open(t, srv)
	kept, err := st.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC)
	for _, seq := range []uint64{9, 120, 40, 1000} {
		info, err := kept.Keep(ctx, jetstream.CheckpointInfo{Seq: seq, Digest: fmt.Sprint("d", seq), Format: 1, Code: "test", Created: at}, body(fmt.Sprint("state at ", seq)))
		if err != nil || info.Name != jetstream.CheckpointName(seq) || info.Size != uint64(len(fmt.Sprint("state at ", seq))) {
			t.Fatalf("keep %d: %+v %v", seq, info, err)
		}
	}
	list, err := kept.List(ctx)
	if err != nil || len(list) != 4 {
		t.Fatalf("listed %v %v", list, err)
	}
	for i, seq := range []uint64{1000, 120, 40, 9} {
		if l := list[i]; l.Seq != seq || l.Digest != fmt.Sprint("d", seq) || l.Format != 1 || l.Code != "test" || !l.Created.Equal(at) {
			t.Fatalf("listed %d as %+v, want seq %d with its metadata", i, l, seq)
		}
	}
	if data, err := kept.Load(ctx, list[0]); err != nil || string(data) != "state at 1000" {
		t.Fatalf("loaded %q %v", data, err)
	}
	// The object replaced under its metadata: the checksum tells.
	js, _ := natsjs.New(jstest.Conn(t, srv))
	raw, err := js.ObjectStore(ctx, jetstream.CheckpointsBucket)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := raw.GetInfo(ctx, list[0].Name)
	if _, err := raw.Put(ctx, info.ObjectMeta, bytes.NewReader([]byte("state at 1001"))); err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Load(ctx, list[0]); !errors.Is(err, jetstream.ErrCheckpointDamaged) {
		t.Fatalf("a damaged checkpoint loaded: %v", err)
	}
	gone, err := kept.Prune(ctx, 3)
	if err != nil || len(gone) != 1 || gone[0] != jetstream.CheckpointName(9) {
		t.Fatalf("pruned %v %v", gone, err)
	}
	if list, _ := kept.List(ctx); len(list) != 3 || list[2].Seq != 40 {
		t.Fatalf("after pruning: %v", list)
	}
}

func TestAReadOnlyStoreFindsNoCheckpointsWithoutABucketAndMakesNone(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	jstest.Open(t, srv) // the stream
	kept, err := jstest.Open(t, srv, jetstream.OpenOnly()).Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := kept.List(ctx); len(list) != 0 || err != nil {
		t.Fatalf("listed %v %v", list, err)
	}
	js, _ := natsjs.New(jstest.Conn(t, srv))
	if _, err := js.ObjectStore(ctx, jetstream.CheckpointsBucket); !errors.Is(err, natsjs.ErrBucketNotFound) {
		t.Fatalf("a read-only store made the bucket: %v", err)
	}
}
