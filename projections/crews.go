package projections

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"cxtracker/events"
)

// Crews is the read model of the crews: their purpose, members and the
// touchpoints they own. Ownership of a touchpoint is recorded on its
// journey, so this model also follows the journeys' touchpoint events.
type Crews struct {
	mu          sync.RWMutex
	who         directory
	crews       map[string]*crewRow
	touchpoints map[string]*touchpointRow
}

type crewRow struct {
	view    CrewView // without members and touchpoints, which are built when read
	members map[string]string
}

type touchpointRow struct {
	view  OwnedTouchpoint
	owner string
}

// CrewView is a crew with its members and the touchpoints it owns. A
// disbanded crew has no members, but keeps its touchpoints until they are
// given to another crew: a gap to fill, shown rather than hidden.
type CrewView struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Type          string            `json:"type"`
	Purpose       string            `json:"purpose"`
	Function      string            `json:"function,omitempty"`
	FormedAt      time.Time         `json:"formed_at"`
	Disbanded     bool              `json:"disbanded"`
	DisbandedAt   *time.Time        `json:"disbanded_at,omitempty"`
	DisbandReason string            `json:"disband_reason,omitempty"`
	Members       []CrewMember      `json:"members"`
	Touchpoints   []OwnedTouchpoint `json:"touchpoints"`
}

// CrewMember is a person in a crew, as lead or member.
type CrewMember struct {
	PersonRef
	Role string `json:"role"`
}

// OwnedTouchpoint is a touchpoint a crew owns, and where it is.
type OwnedTouchpoint struct {
	TouchpointID string `json:"touchpoint_id"`
	JourneyID    string `json:"journey_id"`
	StageID      string `json:"stage_id"`
	Name         string `json:"name"`
	Channel      string `json:"channel"`
}

// NewCrews is an empty model.
func NewCrews() *Crews {
	return &Crews{who: directory{}, crews: map[string]*crewRow{}, touchpoints: map[string]*touchpointRow{}}
}

// Name implements Model.
func (m *Crews) Name() string { return "crews" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it shows crews, their members and the touchpoints they own. A
// test (coverage_test.go) fails when a registered event type is neither
// handled nor listed here.
func (m *Crews) Ignores() []string {
	return append(allKindsBut(events.KindCrew, events.KindPerson, events.KindJourney),
		events.Type(events.KindJourney, events.EventJourneyMapped),
		events.Type(events.KindJourney, events.EventStageAdded),
		events.Type(events.KindJourney, events.EventStageMoved),
		events.Type(events.KindJourney, events.EventStageRenamed))
}

// Apply implements Model.
func (m *Crews) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.who.apply(p)
	switch e := p.(type) {
	case events.CrewFormed:
		m.crews[e.CrewID] = &crewRow{
			view:    CrewView{ID: e.CrewID, Name: e.Name, Type: e.Type, Purpose: e.Purpose, Function: e.Function, FormedAt: rec.Event.Time},
			members: map[string]string{},
		}
	case events.MemberJoined, events.MemberLeft, events.PurposeChanged, events.CrewDisbanded:
		return m.applyCrew(rec, p)
	case events.TouchpointAdded:
		journey, err := aggregateID(rec)
		if err != nil {
			return err
		}
		m.touchpoints[e.TouchpointID] = &touchpointRow{
			view:  OwnedTouchpoint{TouchpointID: e.TouchpointID, JourneyID: journey, StageID: e.StageID, Name: e.Name, Channel: e.Channel},
			owner: e.OwnerCrewID,
		}
	case events.TouchpointOwnerChanged:
		if tp, ok := m.touchpoints[e.TouchpointID]; ok {
			tp.owner = e.OwnerCrewID
		}
	case events.TouchpointRetired:
		delete(m.touchpoints, e.TouchpointID)
	}
	return nil
}

func (m *Crews) applyCrew(rec events.Record, p events.Payload) error {
	crew, err := rowOf(m.crews, rec, "crew")
	if err != nil {
		return err
	}
	applyMember(crew.members, p)
	switch e := p.(type) {
	case events.PurposeChanged:
		crew.view.Purpose = e.Purpose
	case events.CrewDisbanded:
		at := rec.Event.Time
		crew.view.Disbanded, crew.view.DisbandedAt, crew.view.DisbandReason = true, &at, e.Reason
	}
	return nil
}

// Get is the crew with id, and false if there is none.
func (m *Crews) Get(id string) (CrewView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.crews, id, func(crew *crewRow) CrewView { return m.view(crew, m.owned()) })
}

// List is every crew, disbanded or not, of the type typ ("" for every
// type), ordered by id.
func (m *Crews) List(typ string) []CrewView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	owned := m.owned()
	out := []CrewView{}
	for _, id := range slices.Sorted(maps.Keys(m.crews)) {
		if crew := m.crews[id]; typ == "" || crew.view.Type == typ {
			out = append(out, m.view(crew, owned))
		}
	}
	return out
}

// CountByType counts the crews that are not disbanded, for every crew type
// of the Unfix model, zero included.
func (m *Crews) CountByType() map[string]int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]int, len(events.CrewTypes))
	for _, t := range events.CrewTypes {
		out[t] = 0
	}
	for _, crew := range m.crews {
		if !crew.view.Disbanded {
			out[crew.view.Type]++
		}
	}
	return out
}

// owned groups the live touchpoints by their owning crew, ordered by name.
func (m *Crews) owned() map[string][]OwnedTouchpoint {
	out := map[string][]OwnedTouchpoint{}
	for _, tp := range m.touchpoints {
		if tp.owner != "" {
			out[tp.owner] = append(out[tp.owner], tp.view)
		}
	}
	for _, tps := range out {
		slices.SortFunc(tps, func(a, b OwnedTouchpoint) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.TouchpointID, b.TouchpointID))
		})
	}
	return out
}

// view is a copy of a crew with its members (leads first, then by name)
// and its touchpoints.
func (m *Crews) view(crew *crewRow, owned map[string][]OwnedTouchpoint) CrewView {
	v := crew.view
	if v.DisbandedAt != nil {
		at := *v.DisbandedAt
		v.DisbandedAt = &at
	}
	v.Members = make([]CrewMember, 0, len(crew.members))
	for id, role := range crew.members {
		v.Members = append(v.Members, CrewMember{PersonRef: m.who.ref(id), Role: role})
	}
	slices.SortFunc(v.Members, func(a, b CrewMember) int {
		return cmp.Or(strings.Compare(a.Role, b.Role), strings.Compare(a.Name, b.Name), strings.Compare(a.PersonID, b.PersonID))
	})
	v.Touchpoints = append([]OwnedTouchpoint{}, owned[v.ID]...)
	return v
}
