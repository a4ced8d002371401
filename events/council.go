package events

// KindCouncil is the aggregate of the quality council's seats and chair. It is
// a singleton (CouncilID): "at most one chair, and the chair holds a seat" is
// a rule over all seats. Votes live on each initiative, not here, so that the
// council's stream does not serialise voting.
const KindCouncil = "council"

// councilEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var councilEvents = []EventType{
	def[MemberSeated](KindCouncil, 1),
	def[MemberUnseated](KindCouncil, 1),
	def[ChairChanged](KindCouncil, 1),
}

// CouncilID is the id of the one council aggregate.
const CouncilID = "main"

// CouncilAggregate is where the council's events live.
var CouncilAggregate = Aggregate{Kind: KindCouncil, ID: CouncilID}

// Event names of the council aggregate.
const (
	EventMemberSeated   = "member_seated"
	EventMemberUnseated = "member_unseated"
	EventChairChanged   = "chair_changed"
)

// MemberSeated says a person took a seat on the quality council for their
// department, as its chair or not.
type MemberSeated struct {
	PersonID   string `json:"person_id"`
	Department string `json:"department"`
	Chair      bool   `json:"chair"`
}

// MemberUnseated says a person gave up their seat. If they chaired the
// council, it has no chair until the chair is changed.
type MemberUnseated struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason,omitempty"`
}

// ChairChanged says which seated member chairs the council from now on.
type ChairChanged struct {
	PersonID         string `json:"person_id"`
	PreviousPersonID string `json:"previous_person_id,omitempty"`
}

func (MemberSeated) EventName() string   { return EventMemberSeated }
func (MemberUnseated) EventName() string { return EventMemberUnseated }
func (ChairChanged) EventName() string   { return EventChairChanged }

// Council is the current roster of the quality council.
type Council struct {
	// Seats maps each seated person's id to the department they sit for.
	Seats   map[string]string
	ChairID string
}

func newCouncil() Council { return Council{Seats: map[string]string{}} }

func (c *Council) apply(ev Payload) {
	switch e := ev.(type) {
	case MemberSeated:
		c.Seats[e.PersonID] = e.Department
		if e.Chair {
			c.ChairID = e.PersonID
		}
	case MemberUnseated:
		delete(c.Seats, e.PersonID)
		if c.ChairID == e.PersonID {
			c.ChairID = ""
		}
	case ChairChanged:
		c.ChairID = e.PersonID
	}
}

// Council is the council's roster as it stands.
func (s *State) Council() *Council { return &s.council }

// seated checks that a person may act as a council member now: they hold a
// seat and have not left the organisation.
func (s *State) seated(personID string) error {
	p, err := s.activePerson(personID)
	if err != nil {
		return err
	}
	if _, ok := s.council.Seats[personID]; !ok {
		return ruleForbids("%s holds no seat on the quality council", p.Name)
	}
	return nil
}

// seats counts the seats held by people who have not left: the council that
// can vote, and so the base of the quorum.
func (s *State) seats() int {
	n := 0
	for id := range s.council.Seats {
		if p, ok := s.people[id]; ok && !p.Left {
			n++
		}
	}
	return n
}

// SeatMember gives a person a seat on the council; an empty Department means
// the person's own.
type SeatMember struct {
	PersonID   string
	Department string
	Chair      bool
}

// Decide seats a person once, and as chair only when the council has none:
// taking the chair from someone is ChangeChair, so it is never implicit.
func (c SeatMember) Decide(s *State) (Decision, error) {
	p, dept, err := s.activePersonFor(c.PersonID, c.Department)
	if err != nil {
		return Decision{}, err
	}
	if _, ok := s.council.Seats[p.ID]; ok {
		return Decision{}, ruleForbids("%s already holds a seat on the council", p.Name)
	}
	if c.Chair && s.council.ChairID != "" {
		return Decision{}, ruleForbids("the council already has a chair; change the chair instead")
	}
	return decide(CouncilAggregate, MemberSeated{PersonID: p.ID, Department: dept, Chair: c.Chair})
}

// UnseatMember takes a person's seat away.
type UnseatMember struct {
	PersonID string
	Reason   string
}

// Decide unseats only a seated member.
func (c UnseatMember) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.council.Seats[c.PersonID]; !ok {
		return Decision{}, notFound("council member", c.PersonID)
	}
	return decide(CouncilAggregate, MemberUnseated{PersonID: c.PersonID, Reason: c.Reason})
}

// ChangeChair makes a seated member the chair.
type ChangeChair struct {
	PersonID string
}

// Decide hands the chair to a seated member who has not left; handing it to
// the sitting chair changes nothing.
func (c ChangeChair) Decide(s *State) (Decision, error) {
	if err := checkPersonID(c.PersonID); err != nil {
		return Decision{}, err
	}
	if err := s.seated(c.PersonID); err != nil {
		return Decision{}, err
	}
	if s.council.ChairID == c.PersonID {
		return decide(CouncilAggregate)
	}
	return decide(CouncilAggregate, ChairChanged{PersonID: c.PersonID, PreviousPersonID: s.council.ChairID})
}
