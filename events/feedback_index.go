package events

import (
	"slices"
	"strings"

	"github.com/oklog/ulid/v2"
)

// feedbackIndex is what the write side keeps of each feedback item: the
// one part of the State that grows with feedback volume, so it keeps only
// what a rule needs: that the item was logged (an id is logged once; a
// follow-up or an action plan names logged items) and its touchpoint (a
// follow-up's event names it). An id in ULID's canonical form (what
// NewID makes) is kept as its 16 bytes and the touchpoint as a number:
// about 35 bytes an item in the map, against some 150 as strings.
type feedbackIndex struct {
	ulids map[ulid.ULID]uint32
	// other keeps ids in any other spelling (lower case), as written.
	other       map[string]uint32
	touchpoints []string
	tpIndex     map[string]uint32
}

// newFeedbackIndex is an empty index with room for n ULIDs: a map grown
// from empty holds up to twice the room it needs.
func newFeedbackIndex(n int) feedbackIndex {
	return feedbackIndex{ulids: make(map[ulid.ULID]uint32, n), other: map[string]uint32{}, tpIndex: map[string]uint32{}}
}

// canonical is id's 16 bytes, and false when id is not a ULID spelled as
// ULID's String spells it.
func canonical(id string) (ulid.ULID, bool) {
	u, err := ulid.ParseStrict(id)
	return u, err == nil && u.String() == id
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
	if u, ok := canonical(id); ok {
		x.ulids[u] = tp
		return
	}
	x.other[id] = tp
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
	tp, ok := x.ulids[u]
	return tp, ok
}

// len is how many items were logged.
func (x *feedbackIndex) len() int { return len(x.ulids) + len(x.other) }

// columns is every id logged, by id, and the number of the touchpoint
// each was logged at.
func (x *feedbackIndex) columns() (ids []string, tps []uint32) {
	type entry struct {
		id string
		tp uint32
	}
	all := make([]entry, 0, x.len())
	for u, tp := range x.ulids {
		all = append(all, entry{u.String(), tp})
	}
	for id, tp := range x.other {
		all = append(all, entry{id, tp})
	}
	slices.SortFunc(all, func(a, b entry) int { return strings.Compare(a.id, b.id) })
	ids, tps = make([]string, len(all)), make([]uint32, len(all))
	for i, e := range all {
		ids[i], tps[i] = e.id, e.tp
	}
	return ids, tps
}
