package projections

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"cxtracker/events"
)

// People is the read model of everyone the program knows and every role
// they hold: the program's appointments, a council seat, crew memberships.
// Roles live on other aggregates in the log (program, council, crews), so
// this model follows all of them to answer "who is this person here" in one
// read.
type People struct {
	mu          sync.RWMutex
	people      map[string]*personRow
	sponsor     string
	manager     string
	ambassadors map[string]string // person id -> department
	experts     map[string]string // person id -> unit
	seats       map[string]string // person id -> department on the council
	chair       string
	crews       map[string]*crewRoster
}

type personRow struct {
	view PersonView
}

// crewRoster is what People needs of a crew: its name and who is in it.
type crewRoster struct {
	name    string
	members map[string]string // person id -> role
}

// PersonView is a person with every role they hold now. A person who left
// keeps the roles the log last gave them, shown beside Left, so that a gap
// (a sponsor who left) stays visible until someone fills it.
type PersonView struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Department   string     `json:"department"`
	RegisteredAt time.Time  `json:"registered_at"`
	Left         bool       `json:"left"`
	LeftAt       *time.Time `json:"left_at,omitempty"`
	LeftReason   string     `json:"left_reason,omitempty"`
	// Erased says the person's name and e-mail were erased on request:
	// they read events.Erased here and in every event.
	Erased bool        `json:"erased,omitempty"`
	Roles  PersonRoles `json:"roles"`
}

// PersonRoles are the roles one person holds; a role they do not hold is
// false or absent, and Crews is empty rather than absent.
type PersonRoles struct {
	Sponsor    bool            `json:"sponsor"`
	CXManager  bool            `json:"cx_manager"`
	Council    *SeatRole       `json:"council,omitempty"`
	Ambassador *AmbassadorRole `json:"ambassador,omitempty"`
	Expert     *ExpertRole     `json:"expert,omitempty"`
	Crews      []CrewRole      `json:"crews"`
}

// SeatRole is a seat on the quality council.
type SeatRole struct {
	Department string `json:"department"`
	Chair      bool   `json:"chair"`
}

// AmbassadorRole is the department a CX ambassador carries the culture in.
type AmbassadorRole struct {
	Department string `json:"department"`
}

// ExpertRole is the business unit a business-unit expert works for.
type ExpertRole struct {
	Unit string `json:"unit"`
}

// CrewRole is a membership of a crew.
type CrewRole struct {
	CrewID string `json:"crew_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// NewPeople is an empty model.
func NewPeople() *People {
	return &People{
		people: map[string]*personRow{}, ambassadors: map[string]string{}, experts: map[string]string{},
		seats: map[string]string{}, crews: map[string]*crewRoster{},
	}
}

// Name implements Model.
func (m *People) Name() string { return "people" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it shows people and the roles they hold, not what they do. A
// test (coverage_test.go) fails when a registered event type is neither
// handled nor listed here.
func (m *People) Ignores() []string {
	return append(allKindsBut(events.KindPerson, events.KindProgram, events.KindCouncil, events.KindCrew),
		events.Type(events.KindCrew, events.EventCrewDisbanded),
		events.Type(events.KindCrew, events.EventPurposeChanged))
}

// Apply implements Model.
func (m *People) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := p.(type) {
	case events.PersonRegistered:
		m.people[e.PersonID] = &personRow{view: PersonView{ID: e.PersonID, Name: e.Name, Email: e.Email, Department: e.Department, RegisteredAt: rec.Event.Time}}
	case events.PersonDetailsChanged:
		row, ok := m.people[e.PersonID]
		if !ok {
			return fmt.Errorf("details of unknown person %q", e.PersonID)
		}
		row.view.Name, row.view.Email, row.view.Department = e.Name, e.Email, e.Department
	case events.PersonLeft:
		row, ok := m.people[e.PersonID]
		if !ok {
			return fmt.Errorf("departure of unknown person %q", e.PersonID)
		}
		at := rec.Event.Time
		row.view.Left, row.view.LeftAt, row.view.LeftReason = true, &at, e.Reason
	case events.PersonErased:
		row, ok := m.people[e.PersonID]
		if !ok {
			return fmt.Errorf("erasure of unknown person %q", e.PersonID)
		}
		row.view.Name, row.view.Email, row.view.Erased = events.Erased, events.Erased, true
	case events.SponsorAppointed:
		m.sponsor = e.PersonID
	case events.CXManagerAppointed:
		m.manager = e.PersonID
	case events.AmbassadorAssigned:
		m.ambassadors[e.PersonID] = e.Department
	case events.AmbassadorReleased:
		delete(m.ambassadors, e.PersonID)
	case events.ExpertNamed:
		m.experts[e.PersonID] = e.Unit
	case events.ExpertReleased:
		delete(m.experts, e.PersonID)
	case events.MemberSeated, events.MemberUnseated, events.ChairChanged:
		m.chair = applySeat(m.seats, m.chair, p)
	case events.CrewFormed:
		m.crews[e.CrewID] = &crewRoster{name: e.Name, members: map[string]string{}}
	case events.MemberJoined, events.MemberLeft, events.CrewDisbanded:
		return m.applyMembership(rec, p)
	}
	return nil
}

// applySeat folds a council event into seats and answers the chair after it.
// People and Council keep the roster the same way, so they share this.
func applySeat(seats map[string]string, chair string, p events.Payload) string {
	switch e := p.(type) {
	case events.MemberSeated:
		seats[e.PersonID] = e.Department
		if e.Chair {
			return e.PersonID
		}
	case events.MemberUnseated:
		delete(seats, e.PersonID)
		if chair == e.PersonID {
			return ""
		}
	case events.ChairChanged:
		return e.PersonID
	}
	return chair
}

func (m *People) applyMembership(rec events.Record, p events.Payload) error {
	crew, err := rowOf(m.crews, rec, "crew")
	if err != nil {
		return err
	}
	applyMember(crew.members, p)
	return nil
}

// Get is the person with id and their roles, and false if nobody has it.
func (m *People) Get(id string) (PersonView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.people, id, m.view)
}

// List is everyone, those who left included, ordered by id.
func (m *People) List() []PersonView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewsByID(m.people, m.view)
}

// view is a copy of a person's row with their roles as they stand.
func (m *People) view(row *personRow) PersonView {
	v := row.view
	if v.LeftAt != nil {
		at := *v.LeftAt
		v.LeftAt = &at
	}
	id := v.ID
	v.Roles = PersonRoles{Sponsor: m.sponsor == id, CXManager: m.manager == id, Crews: []CrewRole{}}
	if d, ok := m.seats[id]; ok {
		v.Roles.Council = &SeatRole{Department: d, Chair: m.chair == id}
	}
	if d, ok := m.ambassadors[id]; ok {
		v.Roles.Ambassador = &AmbassadorRole{Department: d}
	}
	if u, ok := m.experts[id]; ok {
		v.Roles.Expert = &ExpertRole{Unit: u}
	}
	for crewID, crew := range m.crews {
		if role, ok := crew.members[id]; ok {
			v.Roles.Crews = append(v.Roles.Crews, CrewRole{CrewID: crewID, Name: crew.name, Role: role})
		}
	}
	sort.Slice(v.Roles.Crews, func(i, j int) bool { return v.Roles.Crews[i].CrewID < v.Roles.Crews[j].CrewID })
	return v
}
