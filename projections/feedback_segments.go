package projections

import (
	"maps"
	"slices"
)

// Segments are the customer segments of the feedback logged at the
// touchpoints of the journey journeyID (of every journey when ""), in
// order, without the empty one. The daily cells (see feedbackDays) know
// every segment, so no feedback item is read: the list grows with the
// cells, never with the feedback volume.
func (m *Feedback) Segments(journeyID string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	seen := map[string]bool{}
	for k := range m.days {
		if k.segment == "" || seen[k.segment] {
			continue
		}
		if journeyID == "" || m.places[k.touchpointID].journeyID == journeyID {
			seen[k.segment] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
