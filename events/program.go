package events

// KindProgram is the aggregate of the program's roles: the CX sponsor, the CX
// manager, the ambassadors and the business-unit experts. It is a singleton
// (ProgramID) because "one sponsor at a time" is a rule over all
// appointments, and role changes are rare enough that one stream serialises
// them without contention.
const KindProgram = "program"

// programEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var programEvents = []EventType{
	def[SponsorAppointed](KindProgram, 1),
	def[CXManagerAppointed](KindProgram, 1),
	def[AmbassadorAssigned](KindProgram, 1),
	def[AmbassadorReleased](KindProgram, 1),
	def[ExpertNamed](KindProgram, 1),
	def[ExpertReleased](KindProgram, 1),
}

// ProgramID is the id of the one program aggregate.
const ProgramID = "main"

// ProgramAggregate is where the program's events live.
var ProgramAggregate = Aggregate{Kind: KindProgram, ID: ProgramID}

// Event names of the program aggregate.
const (
	EventSponsorAppointed   = "sponsor_appointed"
	EventCXManagerAppointed = "cx_manager_appointed"
	EventAmbassadorAssigned = "ambassador_assigned"
	EventAmbassadorReleased = "ambassador_released"
	EventExpertNamed        = "expert_named"
	EventExpertReleased     = "expert_released"
)

// SponsorAppointed says who is the CX sponsor from now on; the previous
// sponsor, if any, stops being it by the same fact, so there is never more
// than one.
type SponsorAppointed struct {
	PersonID         string `json:"person_id"`
	PreviousPersonID string `json:"previous_person_id,omitempty"`
}

// CXManagerAppointed says who is the CX manager from now on.
type CXManagerAppointed struct {
	PersonID         string `json:"person_id"`
	PreviousPersonID string `json:"previous_person_id,omitempty"`
}

// AmbassadorAssigned says a person carries the CX culture in a department.
// Assigning an ambassador again moves them to the new department.
type AmbassadorAssigned struct {
	PersonID   string `json:"person_id"`
	Department string `json:"department"`
}

// AmbassadorReleased says a person is no longer an ambassador.
type AmbassadorReleased struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason,omitempty"`
}

// ExpertNamed says a person is the business-unit expert of a unit, who can
// own approved initiatives.
type ExpertNamed struct {
	PersonID string `json:"person_id"`
	Unit     string `json:"unit"`
}

// ExpertReleased says a person is no longer a business-unit expert.
type ExpertReleased struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason,omitempty"`
}

func (SponsorAppointed) EventName() string   { return EventSponsorAppointed }
func (CXManagerAppointed) EventName() string { return EventCXManagerAppointed }
func (AmbassadorAssigned) EventName() string { return EventAmbassadorAssigned }
func (AmbassadorReleased) EventName() string { return EventAmbassadorReleased }
func (ExpertNamed) EventName() string        { return EventExpertNamed }
func (ExpertReleased) EventName() string     { return EventExpertReleased }

// Program is the current holder of each program role.
type Program struct {
	SponsorID   string
	CXManagerID string
	// Ambassadors maps each ambassador's person id to their department.
	Ambassadors map[string]string
	// Experts maps each business-unit expert's person id to their unit.
	Experts map[string]string
}

func newProgram() Program {
	return Program{Ambassadors: map[string]string{}, Experts: map[string]string{}}
}

func (p *Program) apply(ev Payload) {
	switch e := ev.(type) {
	case SponsorAppointed:
		p.SponsorID = e.PersonID
	case CXManagerAppointed:
		p.CXManagerID = e.PersonID
	case AmbassadorAssigned:
		p.Ambassadors[e.PersonID] = e.Department
	case AmbassadorReleased:
		delete(p.Ambassadors, e.PersonID)
	case ExpertNamed:
		p.Experts[e.PersonID] = e.Unit
	case ExpertReleased:
		delete(p.Experts, e.PersonID)
	}
}

// Program is the program's roles as they stand.
func (s *State) Program() *Program { return &s.program }

// AppointSponsor makes a person the CX sponsor, replacing the current one.
type AppointSponsor struct {
	PersonID string
}

// Decide records the appointment, naming whom it replaces; appointing the
// sitting sponsor again changes nothing.
func (c AppointSponsor) Decide(s *State) (Decision, error) {
	return s.appoint(c.PersonID, s.program.SponsorID,
		SponsorAppointed{PersonID: c.PersonID, PreviousPersonID: s.program.SponsorID})
}

// AppointCXManager makes a person the CX manager, replacing the current one.
type AppointCXManager struct {
	PersonID string
}

// Decide records the appointment; appointing the sitting manager again
// changes nothing.
func (c AppointCXManager) Decide(s *State) (Decision, error) {
	return s.appoint(c.PersonID, s.program.CXManagerID,
		CXManagerAppointed{PersonID: c.PersonID, PreviousPersonID: s.program.CXManagerID})
}

// appoint gives a program role that holder holds now to a person who has not
// left, recording appointed; appointing the holder again changes nothing.
func (s *State) appoint(personID, holder string, appointed Payload) (Decision, error) {
	if err := checkPersonID(personID); err != nil {
		return Decision{}, err
	}
	if _, err := s.activePerson(personID); err != nil {
		return Decision{}, err
	}
	if holder == personID {
		return decide(ProgramAggregate)
	}
	return decide(ProgramAggregate, appointed)
}

// AssignAmbassador makes a person the CX ambassador of a department; an empty
// Department means the person's own.
type AssignAmbassador struct {
	PersonID   string
	Department string
}

// Decide records the assignment, or nothing if it already holds.
func (c AssignAmbassador) Decide(s *State) (Decision, error) {
	p, dept, err := s.activePersonFor(c.PersonID, c.Department)
	if err != nil {
		return Decision{}, err
	}
	if d, ok := s.program.Ambassadors[p.ID]; ok && d == dept {
		return decide(ProgramAggregate)
	}
	return decide(ProgramAggregate, AmbassadorAssigned{PersonID: p.ID, Department: dept})
}

// ReleaseAmbassador ends a person's role as ambassador.
type ReleaseAmbassador struct {
	PersonID string
	Reason   string
}

// Decide releases only a current ambassador.
func (c ReleaseAmbassador) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.program.Ambassadors[c.PersonID]; !ok {
		return Decision{}, notFound("ambassador", c.PersonID)
	}
	return decide(ProgramAggregate, AmbassadorReleased{PersonID: c.PersonID, Reason: c.Reason})
}

// NameExpert makes a person the business-unit expert of a unit.
type NameExpert struct {
	PersonID string
	Unit     string
}

// Decide records the naming, or nothing if it already holds.
func (c NameExpert) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.name("unit", c.Unit)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, err := s.activePerson(c.PersonID); err != nil {
		return Decision{}, err
	}
	if u, ok := s.program.Experts[c.PersonID]; ok && u == c.Unit {
		return decide(ProgramAggregate)
	}
	return decide(ProgramAggregate, ExpertNamed{PersonID: c.PersonID, Unit: c.Unit})
}

// ReleaseExpert ends a person's role as business-unit expert.
type ReleaseExpert struct {
	PersonID string
	Reason   string
}

// Decide releases only a current expert.
func (c ReleaseExpert) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.program.Experts[c.PersonID]; !ok {
		return Decision{}, notFound("business-unit expert", c.PersonID)
	}
	return decide(ProgramAggregate, ExpertReleased{PersonID: c.PersonID, Reason: c.Reason})
}

// checkPersonID checks a command whose only value is a person id.
func checkPersonID(id string) error {
	var v checks
	v.id("person_id", id)
	return v.err()
}
