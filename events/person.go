package events

import "strings"

// KindPerson is the aggregate of one person: their details and whether they
// have left. Roles live with what they are roles in (program, council, crew),
// so that appointing someone does not contend with editing their details.
const KindPerson = "person"

// personEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var personEvents = []EventType{
	def[PersonRegistered](KindPerson, 1),
	def[PersonDetailsChanged](KindPerson, 1),
	def[PersonLeft](KindPerson, 1),
	def[PersonErased](KindPerson, 1),
}

// Event names of the person aggregate.
const (
	EventPersonRegistered     = "person_registered"
	EventPersonDetailsChanged = "person_details_changed"
	EventPersonLeft           = "person_left"
	EventPersonErased         = "person_erased"
)

// PersonRegistered says a person became known to the program.
type PersonRegistered struct {
	PersonID   string `json:"person_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Department string `json:"department"`
}

// PersonDetailsChanged carries a person's details as they are after the
// change, all of them, so a reader needs no earlier event to know them.
type PersonDetailsChanged struct {
	PersonID   string `json:"person_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Department string `json:"department"`
}

// PersonLeft says a person left the organisation. They stay in the history,
// but take no new role, vote or ownership.
type PersonLeft struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason,omitempty"`
}

// PersonErased says a person's key was erased, on their request: their
// name and e-mail in every event read as Erased from then on. It carries
// no personal data; the reason says why (a request's reference, not the
// person's details).
type PersonErased struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason"`
}

func (PersonErased) EventName() string         { return EventPersonErased }
func (PersonRegistered) EventName() string     { return EventPersonRegistered }
func (PersonDetailsChanged) EventName() string { return EventPersonDetailsChanged }
func (PersonLeft) EventName() string           { return EventPersonLeft }

// Person is the current state of one person.
type Person struct {
	ID         string
	Name       string
	Email      string
	Department string
	Left       bool
	// Erased is set once the person's personal data was erased.
	Erased bool
}

func (p *Person) apply(ev Payload) {
	switch e := ev.(type) {
	case PersonRegistered:
		p.Name, p.Email, p.Department = e.Name, e.Email, e.Department
	case PersonDetailsChanged:
		p.Name, p.Email, p.Department = e.Name, e.Email, e.Department
	case PersonLeft:
		p.Left = true
	case PersonErased:
		p.Name, p.Email, p.Erased = Erased, Erased, true
	}
}

// applyPerson applies a person's event and keeps the e-mail index, which
// makes an address name one person at most.
func (s *State) applyPerson(id string, ev Payload) {
	p := created(s.people, id, func() *Person { return &Person{ID: id} })
	if p.Email != "" {
		delete(s.emails, emailKey(p.Email))
	}
	p.apply(ev)
	if p.Email != "" && p.Email != Erased {
		s.emails[emailKey(p.Email)] = id
	}
}

// emailKey compares addresses the way people read them: without case.
func emailKey(email string) string { return strings.ToLower(email) }

// Person is the person with id, and false if nobody has it.
func (s *State) Person(id string) (*Person, bool) {
	p, ok := s.people[id]
	return p, ok
}

// activePerson returns the person with id if they exist and have not left:
// only they can take a role, a seat, a vote or an ownership.
func (s *State) activePerson(id string) (*Person, error) {
	return s.personNotLeft(id, "has left and can take no new role")
}

// personNotLeft finds the person with id who has not left; ifLeft ends the
// sentence, after their name, that says which rule their leaving breaks.
func (s *State) personNotLeft(id, ifLeft string) (*Person, error) {
	p, ok := s.people[id]
	if !ok {
		return nil, notFound("person", id)
	}
	if p.Left {
		return nil, ruleForbids("%s %s", p.Name, ifLeft)
	}
	return p, nil
}

// activePersonFor finds a person who has not left, with the department they
// are to act for: department when one is given, else their own.
func (s *State) activePersonFor(personID, department string) (*Person, string, error) {
	var v checks
	v.id("person_id", personID)
	if department != "" {
		v.name("department", department)
	}
	if err := v.err(); err != nil {
		return nil, "", err
	}
	p, err := s.activePerson(personID)
	if err != nil {
		return nil, "", err
	}
	if department == "" {
		department = p.Department
	}
	return p, department, nil
}

// RegisterPerson registers a new person. PersonID is chosen by the caller
// (NewID) so that deciding again after a conflict names the same person.
type RegisterPerson struct {
	PersonID   string
	Name       string
	Email      string
	Department string
}

// Decide rejects a taken id or e-mail address: two people with one address
// could not be told apart when they sign in.
func (c RegisterPerson) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.name("name", c.Name)
	v.email("email", c.Email)
	v.name("department", c.Department)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.people[c.PersonID]; ok {
		return Decision{}, ruleForbids("person %q is already registered", c.PersonID)
	}
	if other, ok := s.emails[emailKey(c.Email)]; ok {
		return Decision{}, ruleForbids("%s is already the address of %s", c.Email, s.people[other].Name)
	}
	return decide(Aggregate{KindPerson, c.PersonID}, PersonRegistered{
		PersonID: c.PersonID, Name: c.Name, Email: c.Email, Department: c.Department,
	})
}

// ChangePersonDetails changes some of a person's details; a nil field stays
// as it is.
type ChangePersonDetails struct {
	PersonID   string
	Name       *string
	Email      *string
	Department *string
}

// Decide records the details as they will be, or nothing if none changes.
func (c ChangePersonDetails) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	if c.Name != nil {
		v.name("name", *c.Name)
	}
	if c.Email != nil {
		v.email("email", *c.Email)
	}
	if c.Department != nil {
		v.name("department", *c.Department)
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	p, err := s.personNotLeft(c.PersonID, "has left; their details are kept as they were")
	if err != nil {
		return Decision{}, err
	}
	if p.Erased {
		return Decision{}, ruleForbids("person %q was erased; their details cannot be given again", p.ID)
	}
	next := PersonDetailsChanged{PersonID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
	if c.Name != nil {
		next.Name = *c.Name
	}
	if c.Email != nil {
		next.Email = *c.Email
	}
	if c.Department != nil {
		next.Department = *c.Department
	}
	if next.Name == p.Name && next.Email == p.Email && next.Department == p.Department {
		return decide(Aggregate{KindPerson, p.ID})
	}
	if other, ok := s.emails[emailKey(next.Email)]; ok && other != p.ID {
		return Decision{}, ruleForbids("%s is already the address of %s", next.Email, s.people[other].Name)
	}
	return decide(Aggregate{KindPerson, p.ID}, next)
}

// RecordDeparture records that a person left the organisation.
type RecordDeparture struct {
	PersonID string
	Reason   string
}

// Decide accepts a departure once.
func (c RecordDeparture) Decide(s *State) (Decision, error) {
	var v checks
	v.id("person_id", c.PersonID)
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	p, err := s.personNotLeft(c.PersonID, "has already left")
	if err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindPerson, p.ID}, PersonLeft{PersonID: p.ID, Reason: c.Reason})
}

// ErasePerson records that a person's personal data was erased (their key
// deleted first, outside the log). Reason is required and must not hold
// personal data: it is stored in the clear.
type ErasePerson struct {
	PersonID string
	Reason   string
}

// Check refuses a bad id or reason: the API asks before it erases the
// key, which comes before the decision.
func (c ErasePerson) Check() error {
	var v checks
	v.id("person_id", c.PersonID)
	v.text("reason", c.Reason)
	return v.err()
}

// Decide accepts an erasure of a known person once.
func (c ErasePerson) Decide(s *State) (Decision, error) {
	if err := c.Check(); err != nil {
		return Decision{}, err
	}
	p, ok := s.people[c.PersonID]
	if !ok {
		return Decision{}, notFound("person", c.PersonID)
	}
	if p.Erased {
		return Decision{}, ruleForbids("person %q was erased already", p.ID)
	}
	return decide(Aggregate{KindPerson, p.ID}, PersonErased{PersonID: p.ID, Reason: c.Reason})
}
