package projections

import (
	"sync"
	"time"

	"cxtracker/events"
)

// Accounts is the read model of the accounts: the customer companies, or
// segments of customers, that feedback and action plans name. It follows
// only the accounts' own events; what names an account is counted where
// it is kept, as it is taken in (the feedback model counts each account's
// items and their follow-ups, see accountTallies; the action plans model
// its plans), and each read answers those counts (AccountView.Counts).
// An account's feedback, follow-ups and plans are read beside it
// (AccountOf).
type Accounts struct {
	mu   sync.RWMutex
	byID map[string]*AccountView
	// feedback and plans count what names each account; nil counts
	// nothing (a model built to read one account's own events).
	feedback *Feedback
	plans    *ActionPlans
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
	// Counts is what names the account, filled when read (nil in the
	// model, so that its checkpoint holds the accounts alone).
	Counts *AccountCounts `json:"counts,omitempty" doc:"what names the account, counted as events are taken in: its feedback, their follow-ups and its action plans; in every answer of the accounts' routes"`
}

// AccountCounts is what names an account: its feedback items, their
// follow-ups open and closed, and its action plans, all and those not
// closed.
type AccountCounts struct {
	Feedback        int `json:"feedback" doc:"the feedback items that name the account (GET /v1/feedback?account= lists them)"`
	OpenFollowUps   int `json:"open_follow_ups" doc:"the open follow-ups of those items"`
	ClosedFollowUps int `json:"closed_follow_ups" doc:"the closed follow-ups of those items"`
	Plans           int `json:"plans" doc:"the action plans that name the account"`
	OpenPlans       int `json:"open_plans" doc:"those of its action plans not closed"`
}

// NewAccounts is an empty model that counts nothing: its accounts' counts
// are all zero.
func NewAccounts() *Accounts { return NewAccountsOf(nil, nil) }

// NewAccountsOf is an empty model whose accounts' counts are those the
// feedback model f and the action plans model p keep.
func NewAccountsOf(f *Feedback, p *ActionPlans) *Accounts {
	return &Accounts{byID: map[string]*AccountView{}, feedback: f, plans: p}
}

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

// Get is the account with id, counted.
func (m *Accounts) Get(id string) (AccountView, bool) {
	m.mu.RLock()
	v, ok := viewOf(m.byID, id, func(v *AccountView) AccountView { return *v })
	m.mu.RUnlock()
	if !ok {
		return v, false
	}
	one := []AccountView{v}
	m.count(one)
	return one[0], true
}

// List is every account, ordered by id, counted.
func (m *Accounts) List() []AccountView {
	m.mu.RLock()
	all := viewsByID(m.byID, func(v *AccountView) AccountView { return *v })
	m.mu.RUnlock()
	m.count(all)
	return all
}

// count fills the counts of each of vs, copies of the model's views, from
// the models that keep them (not under m.mu: the feedback model waits for
// its item store).
func (m *Accounts) count(vs []AccountView) {
	to := make(map[string]*AccountCounts, len(vs))
	for i := range vs {
		vs[i].Counts = &AccountCounts{}
		to[vs[i].ID] = vs[i].Counts
	}
	if m.feedback != nil {
		m.feedback.countAccounts(to)
	}
	if m.plans != nil {
		m.plans.countAccounts(to)
	}
}

// Named implements Named: the owner.
func (v AccountView) Named(n Names) any {
	v.OwnerName = n.Person(v.OwnerID)
	return v
}

// AccountDetail is an account with what names it: its feedback (the first
// page, in id order; FeedbackMore says more follow, listed by
// GET /v1/feedback?account=), its newest feedback, the follow-ups of its
// feedback, open ones first, and its action plans.
type AccountDetail struct {
	Account      AccountView      `json:"account"`
	Feedback     []FeedbackItem   `json:"feedback"`
	FeedbackMore bool             `json:"feedback_more"`
	Newest       []FeedbackItem   `json:"newest" doc:"its newest feedback items, the most recent occurred_at first"`
	FollowUps    []FeedbackItem   `json:"follow_ups"`
	Plans        []ActionPlanView `json:"plans"`
}

// AccountOf is the account with id and what names it, up to limit feedback
// items (the first by id, and the newest) and limit follow-ups of each
// state; false when there is no such
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
	if d.Newest, err = v.Feedback.NewestOfAccount(id, limit); err != nil {
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
	d.Newest = namedAll(n, d.Newest)
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
