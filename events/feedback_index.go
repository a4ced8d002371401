package events

import (
	"bytes"
	"slices"
	"unsafe"

	"github.com/oklog/ulid/v2"
)

// feedbackIndex is what the write side keeps of each feedback item: the
// one part of the State that grows with feedback volume, so it keeps only
// what a rule needs: that the item was logged (an id is logged once; a
// follow-up or an action plan names logged items) and its touchpoint (a
// follow-up's event names it). An id in ULID's canonical form (what
// NewID makes) is kept as its 16 bytes, in a column sorted by id beside a
// column of touchpoint numbers: 20 bytes an item, against some 42 in a map
// and 150 as strings. Ids put since the columns were last merged wait in a
// small map (recent), merged into the columns once it holds an eighth as
// many, so that a put costs a few copies of 20 bytes on average.
type feedbackIndex struct {
	ids []ulid.ULID // sorted
	tps []uint32    // tps[i] is the touchpoint number of ids[i]
	// recent holds the ULIDs put since the last merge.
	recent map[ulid.ULID]uint32
	// other keeps ids in any other spelling (lower case), as written.
	other       map[string]uint32
	touchpoints []string
	tpIndex     map[string]uint32
}

// minMerge is the fewest recent ids merged into the columns at once.
const minMerge = 4096

// newFeedbackIndex is an empty index with room for n ULIDs in its
// columns.
func newFeedbackIndex(n int) feedbackIndex {
	return feedbackIndex{ids: make([]ulid.ULID, 0, n), tps: make([]uint32, 0, n), recent: map[ulid.ULID]uint32{},
		other: map[string]uint32{}, tpIndex: map[string]uint32{}}
}

// canonical is id's 16 bytes, and false when id is not a ULID spelled as
// ULID's String spells it.
func canonical(id string) (ulid.ULID, bool) {
	u, err := ulid.ParseStrict(id)
	if err != nil {
		return u, false
	}
	var text [ulid.EncodedSize]byte
	_ = u.MarshalTextTo(text[:]) // text is as long as a ULID's text
	return u, string(text[:]) == id
}

// put keeps that id was logged at touchpointID.
func (x *feedbackIndex) put(id, touchpointID string) {
	tp, ok := x.tpIndex[touchpointID]
	if !ok {
		tp = uint32(len(x.touchpoints))
		x.tpIndex[touchpointID] = tp
		x.touchpoints = append(x.touchpoints, touchpointID)
	}
	x.putNumber(id, tp)
}

// putNumber keeps that id was logged at the touchpoint numbered tp.
func (x *feedbackIndex) putNumber(id string, tp uint32) {
	u, ok := canonical(id)
	if !ok {
		x.other[id] = tp
		return
	}
	if i, found := x.find(u); found {
		x.tps[i] = tp
		return
	}
	x.recent[u] = tp
	if len(x.recent) >= max(minMerge, len(x.ids)/8) {
		x.merge()
	}
}

// find is where u is, or would be, in the columns.
func (x *feedbackIndex) find(u ulid.ULID) (int, bool) {
	return slices.BinarySearchFunc(x.ids, u, compareULIDs)
}

// compareULIDs orders ULIDs by their bytes, as their canonical text sorts.
func compareULIDs(a, b ulid.ULID) int { return bytes.Compare(a[:], b[:]) }

// merge moves the recent ids into the columns, in order: from the back,
// into the columns grown by as many, so that nothing else is allocated.
func (x *feedbackIndex) merge() {
	add := make([]ulid.ULID, 0, len(x.recent))
	for u := range x.recent {
		add = append(add, u)
	}
	slices.SortFunc(add, compareULIDs)
	i, j := len(x.ids)-1, len(add)-1
	x.ids = slices.Grow(x.ids, len(add))[:len(x.ids)+len(add)]
	x.tps = slices.Grow(x.tps, len(add))[:len(x.tps)+len(add)]
	for k := len(x.ids) - 1; j >= 0; k-- {
		if i >= 0 && compareULIDs(x.ids[i], add[j]) > 0 {
			x.ids[k], x.tps[k] = x.ids[i], x.tps[i]
			i--
			continue
		}
		x.ids[k], x.tps[k] = add[j], x.recent[add[j]]
		j--
	}
	clear(x.recent)
}

// get is the touchpoint id was logged at, and false if it was never
// logged.
func (x *feedbackIndex) get(id string) (string, bool) {
	tp, ok := x.number(id)
	if !ok {
		return "", false
	}
	return x.touchpoints[tp], true
}

// number is the number of the touchpoint id was logged at (its place in
// touchpoints, the order the log first named them in).
func (x *feedbackIndex) number(id string) (uint32, bool) {
	if tp, ok := x.other[id]; ok {
		return tp, true
	}
	u, isULID := canonical(id)
	if !isULID {
		return 0, false
	}
	if tp, ok := x.recent[u]; ok {
		return tp, true
	}
	if i, found := x.find(u); found {
		return x.tps[i], true
	}
	return 0, false
}

// len is how many items were logged.
func (x *feedbackIndex) len() int { return len(x.ids) + len(x.recent) + len(x.other) }

// ulidBytes is the ULIDs' 16 bytes each, in one slice over the same
// memory (a ULID is an array of bytes), for a checkpoint to write as is.
func ulidBytes(ids []ulid.ULID) []byte {
	if len(ids) == 0 {
		return nil
	}
	return unsafe.Slice(&ids[0][0], len(ids)*len(ulid.ULID{}))
}

// bytesULIDs is ulidBytes the other way: the ULIDs b holds, over b's
// memory, which the caller hands over.
func bytesULIDs(b []byte) []ulid.ULID {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*ulid.ULID)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/len(ulid.ULID{}))
}
