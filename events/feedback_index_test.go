package events

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// TestTheFeedbackIndexFindsEveryIdPutAcrossMerges puts ids in random order,
// more than a merge of the recent ones into the columns takes, some in
// lower case and some twice, and finds each at its latest touchpoint, and
// no other; its columns load into an index that finds the same, and
// columns out of order do not load.
func TestTheFeedbackIndexFindsEveryIdPutAcrossMerges(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	x := newFeedbackIndex(0)
	want := map[string]string{}
	tps := []string{"tp-a", "tp-b", "tp-c"}
	for i := range 3*minMerge + 17 {
		var u ulid.ULID
		for k := range u {
			u[k] = byte(rnd.Uint32())
		}
		id := u.String()
		if i%50 == 0 {
			id = strings.ToLower(id)
		}
		tp := tps[i%len(tps)]
		x.put(id, tp)
		want[id] = tp
		if i%97 == 0 { // put again at another touchpoint
			tp = tps[(i+1)%len(tps)]
			x.put(id, tp)
			want[id] = tp
		}
	}
	if len(x.ids) == 0 {
		t.Fatal("no merge into the columns happened")
	}
	check := func(name string, x feedbackIndex) {
		t.Helper()
		if x.len() != len(want) {
			t.Errorf("%s: %d ids, want %d", name, x.len(), len(want))
		}
		for id, tp := range want {
			if got, ok := x.get(id); !ok || got != tp {
				t.Fatalf("%s: %s at %q %v, want %q", name, id, got, ok, tp)
			}
		}
		if _, ok := x.get(NewID()); ok {
			t.Errorf("%s: found an id never put", name)
		}
	}
	check("put", x)
	loaded, err := feedbackColumns(&x).index()
	if err != nil {
		t.Fatal(err)
	}
	check("loaded", loaded)
	cols := feedbackColumns(&x)
	reversed := slices.Clone(cols.ULIDs)
	slices.Reverse(reversed)
	cols.ULIDs = reversed
	if _, err := cols.index(); err == nil || !strings.Contains(err.Error(), "not in order") {
		t.Errorf("columns out of order loaded: %v", err)
	}
	if len(loaded.recent) != 0 || len(loaded.ids)+len(loaded.other) != len(want) {
		t.Errorf("loaded: %d in columns, %d recent, %d other", len(loaded.ids), len(loaded.recent), len(loaded.other))
	}
}
