package projections

import (
	"sync"
	"time"

	"cxtracker/events"
)

// Accounts is the read model of the accounts: the customer companies, or
// segments of customers, that feedback and action plans name. It follows
// only the accounts' own events; an account's feedback, follow-ups and
// plans are read beside it (AccountOf).
type Accounts struct {
	mu   sync.RWMutex
	byID map[string]*AccountView
}

// AccountView is one account as it stands.
type AccountView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Segment   string `json:"segment"`
	OwnerID   string `json:"owner_id"`
	OwnerName string `json:"owner_name,omitempty"` // filled when read (Names)
	// Contact is the customer's contact, as written.
	Contact   string     `json:"contact,omitempty"`
	OpenedAt  time.Time  `json:"opened_at"`
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	// Erased says the account's contact, and the comments of its
	// feedback, were erased on request: they read events.Erased.
	Erased bool `json:"erased,omitempty"`
}

// NewAccounts is an empty model.
func NewAccounts() *Accounts { return &Accounts{byID: map[string]*AccountView{}} }

// Name implements Model.
func (m *Accounts) Name() string { return "accounts" }

// Ignores lists the aggregate kinds the model leaves alone on purpose: it
// follows only the accounts. A test (coverage_test.go) fails when a
// registered event type is neither handled nor listed here.
func (m *Accounts) Ignores() []string { return allKindsBut(events.KindAccount) }

// Apply implements Model.
func (m *Accounts) Apply(rec events.Record, p events.Payload) error {
	id, ok, err := idOfKind(rec, events.KindAccount)
	if !ok {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at := rec.Event.Time
	switch e := p.(type) {
	case events.AccountOpened:
		m.byID[id] = &AccountView{ID: id, Name: e.Name, Segment: e.Segment, OwnerID: e.OwnerID, Contact: e.Contact, OpenedAt: at}
	case events.AccountChanged:
		v, err := rowOf(m.byID, rec, "account")
		if err != nil {
			return err
		}
		v.Name, v.Segment, v.OwnerID, v.Contact, v.ChangedAt = e.Name, e.Segment, e.OwnerID, e.Contact, &at
		if v.Erased {
			v.Contact = events.Erased // its changes after the erasure carry none
		}
	case events.AccountErased:
		v, err := rowOf(m.byID, rec, "account")
		if err != nil {
			return err
		}
		v.Contact, v.Erased = events.Erased, true
	}
	return nil
}

// Get is the account with id.
func (m *Accounts) Get(id string) (AccountView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.byID, id, func(v *AccountView) AccountView { return *v })
}

// List is every account, ordered by id.
func (m *Accounts) List() []AccountView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewsByID(m.byID, func(v *AccountView) AccountView { return *v })
}

// Named implements Named: the owner.
func (v AccountView) Named(n Names) any {
	v.OwnerName = n.Person(v.OwnerID)
	return v
}

// AccountDetail is an account with what names it: its feedback (the first
// page, in id order; FeedbackMore says more follow, listed by
// GET /v1/feedback?account=), the follow-ups of its feedback, open ones
// first, and its action plans.
type AccountDetail struct {
	Account      AccountView      `json:"account"`
	Feedback     []FeedbackItem   `json:"feedback"`
	FeedbackMore bool             `json:"feedback_more"`
	FollowUps    []FeedbackItem   `json:"follow_ups"`
	Plans        []ActionPlanView `json:"plans"`
}

// AccountOf is the account with id and what names it, up to limit feedback
// items and limit follow-ups of each state; false when there is no such
// account. Its feedback is read from the item store (by the store's
// account index), whose failure it answers.
func (v *Views) AccountOf(id string, limit int) (AccountDetail, bool, error) {
	a, ok := v.Accounts.Get(id)
	if !ok {
		return AccountDetail{}, false, nil
	}
	d := AccountDetail{Account: a, Plans: v.ActionPlans.ForAccount(id)}
	var err error
	if d.Feedback, d.FeedbackMore, err = v.Feedback.Items(FeedbackFilter{AccountID: id}, "", limit); err != nil {
		return AccountDetail{}, true, err
	}
	d.FollowUps = []FeedbackItem{}
	for _, state := range []string{FollowUpOpen, FollowUpClosed} {
		items, _, err := v.Feedback.Items(FeedbackFilter{AccountID: id, FollowUp: state}, "", limit)
		if err != nil {
			return AccountDetail{}, true, err
		}
		d.FollowUps = append(d.FollowUps, items...)
	}
	return d, true, nil
}

// Named implements Named: the owner, the follow-ups' assignees and the
// actions' owners.
func (d AccountDetail) Named(n Names) any {
	d.Account = d.Account.Named(n).(AccountView)
	d.Feedback = namedAll(n, d.Feedback)
	d.FollowUps = namedAll(n, d.FollowUps)
	d.Plans = namedAll(n, d.Plans)
	return d
}

// namedAll is each of vs named, in a slice of its own.
func namedAll[T Named](n Names, vs []T) []T {
	out := make([]T, len(vs))
	for i, v := range vs {
		out[i] = v.Named(n).(T)
	}
	return out
}
