package projections

import (
	"slices"
	"sync"
	"time"

	"cxtracker/events"
)

// ActionPlans is the read model of the action plans account teams draw from
// their customers' feedback, share with the customer and work through.
type ActionPlans struct {
	mu   sync.RWMutex
	byID map[string]*ActionPlanView
}

// Statuses of an action plan.
const (
	PlanDrafted = "drafted"
	PlanShared  = "shared"
	PlanClosed  = "closed"
)

// ActionPlanView is one action plan with its actions, in the order drafted.
type ActionPlanView struct {
	ID          string       `json:"id"`
	Account     string       `json:"account"`
	AccountID   string       `json:"account_id,omitempty"`
	Title       string       `json:"title"`
	Status      string       `json:"status"`
	FeedbackIDs []string     `json:"feedback_ids"`
	Actions     []PlanAction `json:"actions"`
	OpenActions int          `json:"open_actions"`
	DraftedAt   time.Time    `json:"drafted_at"`
	SharedWith  string       `json:"shared_with,omitempty"`
	SharedNote  string       `json:"shared_note,omitempty"`
	SharedAt    *time.Time   `json:"shared_at,omitempty"`
	Summary     string       `json:"summary,omitempty"`
	ClosedAt    *time.Time   `json:"closed_at,omitempty"`
}

// PlanAction is one action of a plan.
type PlanAction struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	OwnerID     string     `json:"owner_id,omitempty"`
	OwnerName   string     `json:"owner_name,omitempty"` // filled when read (Names)
	Done        bool       `json:"done"`
	Note        string     `json:"note,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// NewActionPlans is an empty model.
func NewActionPlans() *ActionPlans { return &ActionPlans{byID: map[string]*ActionPlanView{}} }

// Name implements Model.
func (m *ActionPlans) Name() string { return "actionplans" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it follows only the action plans. A test (coverage_test.go)
// fails when a registered event type is neither handled nor listed here.
func (m *ActionPlans) Ignores() []string {
	return allKindsBut(events.KindActionPlan)
}

// Apply implements Model.
func (m *ActionPlans) Apply(rec events.Record, p events.Payload) error {
	id, ok, err := idOfKind(rec, events.KindActionPlan)
	if !ok {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at := rec.Event.Time
	if e, ok := p.(events.ActionPlanDrafted); ok {
		v := &ActionPlanView{ID: id, Account: e.Account, AccountID: e.AccountID, Title: e.Title, Status: PlanDrafted,
			FeedbackIDs: append([]string{}, e.FeedbackIDs...), OpenActions: len(e.Actions), DraftedAt: at}
		for _, a := range e.Actions {
			v.Actions = append(v.Actions, PlanAction{ID: a.ActionID, Description: a.Description, OwnerID: a.OwnerID})
		}
		m.byID[id] = v
		return nil
	}
	v := m.byID[id]
	if v == nil {
		return nil
	}
	switch e := p.(type) {
	case events.ActionPlanShared:
		v.Status, v.SharedWith, v.SharedNote, v.SharedAt = PlanShared, e.SharedWith, e.Note, &at
	case events.ActionCompleted:
		if i := slices.IndexFunc(v.Actions, func(a PlanAction) bool { return a.ID == e.ActionID }); i >= 0 && !v.Actions[i].Done {
			v.Actions[i].Done, v.Actions[i].Note, v.Actions[i].CompletedAt = true, e.Note, &at
			v.OpenActions--
		}
	case events.ActionPlanClosed:
		v.Status, v.Summary, v.ClosedAt = PlanClosed, e.Summary, &at
	}
	return nil
}

// Get is the action plan with id.
func (m *ActionPlans) Get(id string) (ActionPlanView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.byID, id, (*ActionPlanView).copy)
}

// List is every action plan, ordered by id.
func (m *ActionPlans) List() []ActionPlanView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewsByID(m.byID, (*ActionPlanView).copy)
}

// ForAccount is every action plan that names the account with id, ordered
// by id.
func (m *ActionPlans) ForAccount(accountID string) []ActionPlanView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []ActionPlanView{}
	for _, v := range viewsByID(m.byID, func(v *ActionPlanView) *ActionPlanView { return v }) {
		if v.AccountID == accountID {
			out = append(out, v.copy())
		}
	}
	return out
}

// copy is the plan with its own slices; the times it points to are never
// changed once set, so they may be shared.
func (v *ActionPlanView) copy() ActionPlanView {
	out := *v
	out.FeedbackIDs = slices.Clone(v.FeedbackIDs)
	out.Actions = slices.Clone(v.Actions)
	return out
}

// countAccounts counts, for each account in to, the plans that name it and
// those of them not closed. Plans are few and in memory: a pass over them
// costs less than keeping a count beside each.
func (m *ActionPlans) countAccounts(to map[string]*AccountCounts) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, v := range m.byID {
		if c := to[v.AccountID]; c != nil {
			c.Plans++
			if v.Status != PlanClosed {
				c.OpenPlans++
			}
		}
	}
}
