package events

// KindAccount is the aggregate of one account: a customer company, or a
// segment of customers, that feedback and action plans may name. Its owner
// is the person who answers for it.
const KindAccount = "account"

// accountEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var accountEvents = []EventType{
	def[AccountOpened](KindAccount, 1),
	def[AccountChanged](KindAccount, 1),
	def[AccountErased](KindAccount, 1),
}

// Event names of the account aggregate.
const (
	EventAccountOpened  = "account_opened"
	EventAccountChanged = "account_changed"
	EventAccountErased  = "account_erased"
)

// AccountOpened says an account became known to the program. Contact is the
// customer's contact (a name, an e-mail address, or both, as written):
// personal data, kept in a field of its own so that it can be written and
// erased apart from the rest.
type AccountOpened struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Segment   string `json:"segment"`
	OwnerID   string `json:"owner_id"`
	Contact   string `json:"contact,omitempty"`
}

// AccountChanged carries an account's details as they are after the change,
// all of them, so a reader needs no earlier event to know them.
type AccountChanged struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Segment   string `json:"segment"`
	OwnerID   string `json:"owner_id"`
	Contact   string `json:"contact,omitempty"`
}

// AccountErased says an account's key was erased, on request: its contact,
// and the comments of the feedback that names it, read as Erased in every
// event from then on. It carries no personal data; the reason says why (a
// request's reference, not the contact's details).
type AccountErased struct {
	AccountID string `json:"account_id"`
	Reason    string `json:"reason"`
}

func (AccountErased) EventName() string  { return EventAccountErased }
func (AccountOpened) EventName() string  { return EventAccountOpened }
func (AccountChanged) EventName() string { return EventAccountChanged }

// Account is the current state of one account.
type Account struct {
	ID      string
	Name    string
	Segment string
	OwnerID string
	Contact string
	// Erased is set once the account's personal data was erased.
	Erased bool
}

func (a *Account) apply(ev Payload) {
	switch e := ev.(type) {
	case AccountOpened:
		a.Name, a.Segment, a.OwnerID, a.Contact = e.Name, e.Segment, e.OwnerID, e.Contact
	case AccountChanged:
		a.Name, a.Segment, a.OwnerID, a.Contact = e.Name, e.Segment, e.OwnerID, e.Contact
		if a.Erased {
			a.Contact = Erased
		}
	case AccountErased:
		a.Contact, a.Erased = Erased, true
	}
}

// Account is the account with id, and false if there is none.
func (s *State) Account(id string) (*Account, bool) {
	a, ok := s.accounts[id]
	return a, ok
}

// checkAccount checks an optional account_id that a feedback item or an
// action plan names: it must be an account that was opened. One that names
// no account is an invalid value of the command (422), not a missing entity
// of the route (404): the caller sent a reference that points nowhere. The
// check is one map read, so an import pays nothing more per line.
func (s *State) checkAccount(v *checks, accountID string) {
	if accountID == "" {
		return
	}
	if _, ok := s.accounts[accountID]; !ok {
		v.fail("account_id", "names no account: %q was never opened", accountID)
	}
}

// checkAccountComment refuses a comment on feedback naming an account whose
// personal data was erased: the comment would be sealed under its key,
// which is gone.
func (s *State) checkAccountComment(v *checks, accountID, comment string) {
	if a, ok := s.accounts[accountID]; ok && a.Erased && comment != "" {
		v.fail("comment", "cannot be kept: account %q was erased, and a comment on its feedback is its personal data; log the item without a comment", accountID)
	}
}

// OpenAccount opens an account. AccountID is chosen by the caller (NewID)
// so that deciding again after a conflict names the same account.
type OpenAccount struct {
	AccountID string
	Name      string
	Segment   string
	OwnerID   string
	Contact   string
}

// Decide opens an account once, owned by a person who has not left.
func (c OpenAccount) Decide(s *State) (Decision, error) {
	var v checks
	v.id("account_id", c.AccountID)
	c.check(&v)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.accounts[c.AccountID]; ok {
		return Decision{}, ruleForbids("account %q is already open", c.AccountID)
	}
	if _, err := s.accountOwner(c.OwnerID); err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindAccount, c.AccountID}, AccountOpened{
		AccountID: c.AccountID, Name: c.Name, Segment: c.Segment, OwnerID: c.OwnerID, Contact: c.Contact,
	})
}

// check checks the account's details, the same for opening and for the
// details as a change leaves them.
func (c OpenAccount) check(v *checks) {
	v.name("name", c.Name)
	v.name("segment", c.Segment)
	v.id("owner_id", c.OwnerID)
	v.optionalText("contact", c.Contact)
}

// accountOwner finds the person who is to own an account: one who has not
// left.
func (s *State) accountOwner(id string) (*Person, error) {
	return s.personNotLeft(id, "has left and can own no account")
}

// ChangeAccount changes some of an account's details; a nil field stays as
// it is. An empty Contact removes the contact.
type ChangeAccount struct {
	AccountID string
	Name      *string
	Segment   *string
	OwnerID   *string
	Contact   *string
}

// Decide records the details as they will be, or nothing if none changes.
// A new owner must not have left; an owner who left since stays until
// someone changes it.
func (c ChangeAccount) Decide(s *State) (Decision, error) {
	var v checks
	v.id("account_id", c.AccountID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	a, ok := s.accounts[c.AccountID]
	if !ok {
		return Decision{}, notFound("account", c.AccountID)
	}
	if a.Erased && c.Contact != nil {
		return Decision{}, ruleForbids("account %q was erased; its contact cannot be given again", a.ID)
	}
	current := OpenAccount{AccountID: a.ID, Name: a.Name, Segment: a.Segment, OwnerID: a.OwnerID, Contact: a.Contact}
	if a.Erased {
		current.Contact = "" // an erased account's events carry no contact
	}
	next := current
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&next.Name, c.Name)
	set(&next.Segment, c.Segment)
	set(&next.OwnerID, c.OwnerID)
	set(&next.Contact, c.Contact)
	next.check(&v)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if next == current {
		return decide(Aggregate{KindAccount, a.ID})
	}
	if next.OwnerID != a.OwnerID {
		if _, err := s.accountOwner(next.OwnerID); err != nil {
			return Decision{}, err
		}
	}
	return decide(Aggregate{KindAccount, a.ID}, AccountChanged(next))
}

// EraseAccount records that an account's personal data was erased (its key
// deleted first, outside the log). Reason is required and must not hold
// personal data: it is stored in the clear.
type EraseAccount struct {
	AccountID string
	Reason    string
}

// Check refuses a bad id or reason: the API asks before it erases the
// key, which comes before the decision.
func (c EraseAccount) Check() error {
	var v checks
	v.id("account_id", c.AccountID)
	v.text("reason", c.Reason)
	return v.err()
}

// Decide accepts an erasure of a known account once.
func (c EraseAccount) Decide(s *State) (Decision, error) {
	if err := c.Check(); err != nil {
		return Decision{}, err
	}
	a, ok := s.accounts[c.AccountID]
	if !ok {
		return Decision{}, notFound("account", c.AccountID)
	}
	if a.Erased {
		return Decision{}, ruleForbids("account %q was erased already", a.ID)
	}
	return decide(Aggregate{KindAccount, a.ID}, AccountErased{AccountID: a.ID, Reason: c.Reason})
}
