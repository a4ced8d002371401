package events

// KindCrew is the aggregate of one crew: its purpose and members. Joining and
// leaving contend only with the same crew.
const KindCrew = "crew"

// crewEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var crewEvents = []EventType{
	def[CrewFormed](KindCrew, 1),
	def[MemberJoined](KindCrew, 1),
	def[MemberLeft](KindCrew, 1),
	def[PurposeChanged](KindCrew, 1),
	def[CrewDisbanded](KindCrew, 1),
}

// Event names of the crew aggregate.
const (
	EventCrewFormed     = "crew_formed"
	EventMemberJoined   = "member_joined"
	EventMemberLeft     = "member_left"
	EventPurposeChanged = "purpose_changed"
	EventCrewDisbanded  = "crew_disbanded"
)

// Crew types of the Unfix model, as the API spells them.
const (
	CrewGovernance   = "governance"
	CrewValueStream  = "value_stream"
	CrewFacilitation = "facilitation"
	CrewCapability   = "capability"
	CrewPlatform     = "platform"
	CrewExperience   = "experience"
	CrewPartnership  = "partnership"
)

// CrewTypes lists the crew types in the Unfix model's order.
var CrewTypes = []string{CrewGovernance, CrewValueStream, CrewFacilitation, CrewCapability, CrewPlatform, CrewExperience, CrewPartnership}

// CX team functions, the three pillars a crew may serve.
const (
	FunctionInsights         = "insights"
	FunctionDesign           = "design"
	FunctionChangeManagement = "change_management"
)

// CXFunctions lists the CX team's functions.
var CXFunctions = []string{FunctionInsights, FunctionDesign, FunctionChangeManagement}

// Crew roles of a member.
const (
	RoleLead   = "lead"
	RoleMember = "member"
)

// CrewRoles lists the roles a crew member can have.
var CrewRoles = []string{RoleLead, RoleMember}

// CrewFormed says a crew was formed.
type CrewFormed struct {
	CrewID  string `json:"crew_id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
	// Function is the CX team function the crew serves, where it has one.
	Function string `json:"function,omitempty"`
}

// MemberJoined says a person joined a crew as its lead or as a member.
type MemberJoined struct {
	PersonID string `json:"person_id"`
	Role     string `json:"role"`
}

// MemberLeft says a person left a crew.
type MemberLeft struct {
	PersonID string `json:"person_id"`
}

// PurposeChanged carries a crew's new purpose.
type PurposeChanged struct {
	Purpose string `json:"purpose"`
}

// CrewDisbanded says a crew was disbanded; its members leave with it.
type CrewDisbanded struct {
	Reason string `json:"reason"`
}

func (CrewFormed) EventName() string     { return EventCrewFormed }
func (MemberJoined) EventName() string   { return EventMemberJoined }
func (MemberLeft) EventName() string     { return EventMemberLeft }
func (PurposeChanged) EventName() string { return EventPurposeChanged }
func (CrewDisbanded) EventName() string  { return EventCrewDisbanded }

// Crew is the current state of one crew.
type Crew struct {
	ID       string
	Name     string
	Type     string
	Purpose  string
	Function string
	// Members maps each member's person id to their role.
	Members   map[string]string
	Disbanded bool
}

func (c *Crew) apply(ev Payload) {
	switch e := ev.(type) {
	case CrewFormed:
		c.Name, c.Type, c.Purpose, c.Function = e.Name, e.Type, e.Purpose, e.Function
	case MemberJoined:
		c.Members[e.PersonID] = e.Role
	case MemberLeft:
		delete(c.Members, e.PersonID)
	case PurposeChanged:
		c.Purpose = e.Purpose
	case CrewDisbanded:
		c.Disbanded = true
		clear(c.Members)
	}
}

// Crew is the crew with id, and false if there is none.
func (s *State) Crew(id string) (*Crew, bool) {
	c, ok := s.crews[id]
	return c, ok
}

// crew finds a crew by id.
func (s *State) crew(id string) (*Crew, error) {
	c, ok := s.crews[id]
	if !ok {
		return nil, notFound("crew", id)
	}
	return c, nil
}

// activeCrew finds a crew that is not disbanded: only such a crew takes
// members, owns touchpoints or owns initiatives.
func (s *State) activeCrew(id string) (*Crew, error) {
	c, err := s.crew(id)
	if err != nil {
		return nil, err
	}
	if c.Disbanded {
		return nil, ruleForbids("crew %s is disbanded", c.Name)
	}
	return c, nil
}

// FormCrew forms a new crew.
type FormCrew struct {
	CrewID   string
	Name     string
	Type     string
	Purpose  string
	Function string
}

// Decide forms a crew of one of the seven types, once.
func (c FormCrew) Decide(s *State) (Decision, error) {
	var v checks
	v.id("crew_id", c.CrewID)
	v.name("name", c.Name)
	v.oneOf("type", c.Type, CrewTypes)
	v.text("purpose", c.Purpose)
	if c.Function != "" {
		v.oneOf("function", c.Function, CXFunctions)
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.crews[c.CrewID]; ok {
		return Decision{}, ruleForbids("crew %q already exists", c.CrewID)
	}
	return decide(Aggregate{KindCrew, c.CrewID}, CrewFormed{
		CrewID: c.CrewID, Name: c.Name, Type: c.Type, Purpose: c.Purpose, Function: c.Function,
	})
}

// JoinCrew makes a person a member of a crew, as lead or member.
type JoinCrew struct {
	CrewID   string
	PersonID string
	Role     string
}

// Decide admits a person who has not left into a crew that is not
// disbanded. A member keeps one role: joining again in the same role changes
// nothing, and changing role is leaving and joining again, so the history
// shows when someone stopped leading.
func (c JoinCrew) Decide(s *State) (Decision, error) {
	var v checks
	v.id("crew_id", c.CrewID)
	v.id("person_id", c.PersonID)
	v.oneOf("role", c.Role, CrewRoles)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	crew, err := s.activeCrew(c.CrewID)
	if err != nil {
		return Decision{}, err
	}
	p, err := s.activePerson(c.PersonID)
	if err != nil {
		return Decision{}, err
	}
	if role, ok := crew.Members[p.ID]; ok {
		if role == c.Role {
			return decide(Aggregate{KindCrew, crew.ID})
		}
		return Decision{}, ruleForbids("%s is already a %s of crew %s; they leave before joining in another role", p.Name, role, crew.Name)
	}
	return decide(Aggregate{KindCrew, crew.ID}, MemberJoined{PersonID: p.ID, Role: c.Role})
}

// LeaveCrew takes a person out of a crew.
type LeaveCrew struct {
	CrewID   string
	PersonID string
}

// Decide lets only a member leave.
func (c LeaveCrew) Decide(s *State) (Decision, error) {
	var v checks
	v.id("crew_id", c.CrewID)
	v.id("person_id", c.PersonID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	crew, err := s.crew(c.CrewID)
	if err != nil {
		return Decision{}, err
	}
	if _, ok := crew.Members[c.PersonID]; !ok {
		return Decision{}, notFound("member of crew "+crew.Name, c.PersonID)
	}
	return decide(Aggregate{KindCrew, crew.ID}, MemberLeft{PersonID: c.PersonID})
}

// ChangeCrewPurpose gives a crew a new purpose.
type ChangeCrewPurpose struct {
	CrewID  string
	Purpose string
}

// Decide changes the purpose of a crew that is not disbanded.
func (c ChangeCrewPurpose) Decide(s *State) (Decision, error) {
	var v checks
	v.id("crew_id", c.CrewID)
	v.text("purpose", c.Purpose)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	crew, err := s.activeCrew(c.CrewID)
	if err != nil {
		return Decision{}, err
	}
	if crew.Purpose == c.Purpose {
		return decide(Aggregate{KindCrew, crew.ID})
	}
	return decide(Aggregate{KindCrew, crew.ID}, PurposeChanged{Purpose: c.Purpose})
}

// DisbandCrew disbands a crew, for a reason.
type DisbandCrew struct {
	CrewID string
	Reason string
}

// Decide disbands a crew once. Touchpoints and initiatives it owns keep it
// as owner, which the read side shows as a gap to fill, as the program
// office wants unassigned goals visible rather than hidden.
func (c DisbandCrew) Decide(s *State) (Decision, error) {
	var v checks
	v.id("crew_id", c.CrewID)
	v.text("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	crew, err := s.activeCrew(c.CrewID)
	if err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindCrew, crew.ID}, CrewDisbanded{Reason: c.Reason})
}
