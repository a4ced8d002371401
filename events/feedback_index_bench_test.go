package events

import (
	"bytes"
	"encoding/gob"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/oklog/ulid/v2"
)

// BenchmarkFeedbackIndexCheckpoint saves the feedback index of
// CXTRACKER_BENCH_INDEX_ITEMS items (1,000,000) into a checkpoint's frame
// and loads it back, as a checkpoint of the State does: what holds the
// Engine's writers while a checkpoint serialises, and most of a start's
// load at scale. It reports the frame's bytes an item.
func BenchmarkFeedbackIndexCheckpoint(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("CXTRACKER_BENCH_INDEX_ITEMS")); err == nil && v > 0 {
		n = v
	}
	x := newFeedbackIndex(n)
	tps := []string{"tp-a", "tp-b", "tp-c", "tp-d"}
	entropy := ulid.Monotonic(rand.NewChaCha8([32]byte{7}), 0)
	for i := range n {
		x.put(ulid.MustNew(uint64(i/1000), entropy).String(), tps[i%len(tps)])
	}
	var frame bytes.Buffer
	b.Run("save", func(b *testing.B) {
		for b.Loop() {
			frame.Reset()
			if err := gob.NewEncoder(&frame).Encode(feedbackColumns(&x)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(frame.Len())/float64(n), "bytes/item")
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			var f savedFeedback
			if err := gob.NewDecoder(bytes.NewReader(frame.Bytes())).Decode(&f); err != nil {
				b.Fatal(err)
			}
			if y, err := f.index(); err != nil || y.len() != n {
				b.Fatalf("loaded %d of %d: %v", y.len(), n, err)
			}
		}
	})
}
