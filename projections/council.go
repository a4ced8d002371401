package projections

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"cxtracker/events"
)

// Council is the read model of the quality council's roster: who holds a
// seat, for which department, and who chairs it. The council's decisions
// are kept with the initiatives they decide (Initiatives.Decisions), where
// the votes and the aftermath are.
type Council struct {
	mu       sync.RWMutex
	who      directory
	seats    map[string]string    // person id -> department
	seatedAt map[string]time.Time // person id -> when they took the seat
	chair    string
}

// CouncilView is the council as it stands. Seats counts the members who
// have not left, the base of the quorum; Quorum is how many of them must
// vote for a decision without the chair's say (more than half).
type CouncilView struct {
	Chair   *PersonRef      `json:"chair,omitempty"`
	Members []CouncilMember `json:"members"`
	Seats   int             `json:"seats"`
	Quorum  int             `json:"quorum"`
}

// CouncilMember is one seat on the council.
type CouncilMember struct {
	PersonRef
	Department string    `json:"department"`
	Chair      bool      `json:"chair"`
	SeatedAt   time.Time `json:"seated_at"`
}

// NewCouncil is an empty model.
func NewCouncil() *Council {
	return &Council{who: directory{}, seats: map[string]string{}, seatedAt: map[string]time.Time{}}
}

// Name implements Model.
func (m *Council) Name() string { return "council" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it shows the seats, and the people in them. A test
// (coverage_test.go) fails when a registered event type is neither handled
// nor listed here.
func (m *Council) Ignores() []string {
	return allKindsBut(events.KindCouncil, events.KindPerson)
}

// Apply implements Model.
func (m *Council) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.who.apply(p)
	switch e := p.(type) {
	case events.MemberSeated:
		m.seatedAt[e.PersonID] = rec.Event.Time
	case events.MemberUnseated:
		delete(m.seatedAt, e.PersonID)
	}
	m.chair = applySeat(m.seats, m.chair, p)
	return nil
}

// Roster is the council as it stands: the members ordered by name, and the
// chair if it has one.
func (m *Council) Roster() CouncilView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v := CouncilView{Members: make([]CouncilMember, 0, len(m.seats))}
	for id, dept := range m.seats {
		ref := m.who.ref(id)
		v.Members = append(v.Members, CouncilMember{PersonRef: ref, Department: dept, Chair: id == m.chair, SeatedAt: m.seatedAt[id]})
		if !ref.Left {
			v.Seats++
		}
	}
	slices.SortFunc(v.Members, func(a, b CouncilMember) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.PersonID, b.PersonID))
	})
	if m.chair != "" {
		ref := m.who.ref(m.chair)
		v.Chair = &ref
	}
	v.Quorum = v.Seats/2 + 1
	return v
}
