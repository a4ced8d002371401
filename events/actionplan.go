package events

import (
	"fmt"
	"slices"
)

// KindActionPlan is the aggregate of one account's action plan: the actions
// drawn from the customer's feedback, shared with the customer and done one
// by one.
const KindActionPlan = "actionplan"

// actionplanEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var actionplanEvents = []EventType{
	def[ActionPlanDrafted](KindActionPlan, 1),
	def[ActionPlanShared](KindActionPlan, 1),
	def[ActionCompleted](KindActionPlan, 1),
	def[ActionPlanClosed](KindActionPlan, 1),
}

// Event names of the action plan aggregate.
const (
	EventActionPlanDrafted = "action_plan_drafted"
	EventActionPlanShared  = "action_plan_shared"
	EventActionCompleted   = "action_completed"
	EventActionPlanClosed  = "action_plan_closed"
)

// PlannedAction is one action of a plan.
type PlannedAction struct {
	ActionID    string `json:"action_id"`
	Description string `json:"description"`
	OwnerID     string `json:"owner_id,omitempty"`
}

// ActionPlanDrafted says an account team drafted a plan for an account from
// the feedback it names.
type ActionPlanDrafted struct {
	ActionPlanID string `json:"action_plan_id"`
	Account      string `json:"account"`
	// AccountID names the account (see account.go) when the plan is for
	// one; Account is then its name as it was when the plan was drafted.
	AccountID   string          `json:"account_id,omitempty"`
	Title       string          `json:"title"`
	FeedbackIDs []string        `json:"feedback_ids,omitempty"`
	Actions     []PlannedAction `json:"actions"`
}

// ActionPlanShared says the plan was shared with the customer.
type ActionPlanShared struct {
	SharedWith string `json:"shared_with"`
	Note       string `json:"note,omitempty"`
}

// ActionCompleted says one action of the plan is done.
type ActionCompleted struct {
	ActionID string `json:"action_id"`
	Note     string `json:"note,omitempty"`
}

// ActionPlanClosed says the plan is over. OpenActions counts the actions
// left undone, so that a plan closed early reads as such.
type ActionPlanClosed struct {
	Summary     string `json:"summary,omitempty"`
	OpenActions int    `json:"open_actions"`
}

func (ActionPlanDrafted) EventName() string { return EventActionPlanDrafted }
func (ActionPlanShared) EventName() string  { return EventActionPlanShared }
func (ActionCompleted) EventName() string   { return EventActionCompleted }
func (ActionPlanClosed) EventName() string  { return EventActionPlanClosed }

// ActionPlan is the current state of one action plan.
type ActionPlan struct {
	ID          string
	Account     string
	AccountID   string
	Title       string
	FeedbackIDs []string
	Actions     []PlannedAction
	// Done lists the ids of completed actions, in completion order.
	Done       []string
	SharedWith string
	Closed     bool
}

func (a *ActionPlan) apply(ev Payload) {
	switch e := ev.(type) {
	case ActionPlanDrafted:
		a.Account, a.AccountID, a.Title, a.FeedbackIDs, a.Actions = e.Account, e.AccountID, e.Title, e.FeedbackIDs, e.Actions
	case ActionPlanShared:
		a.SharedWith = e.SharedWith
	case ActionCompleted:
		a.Done = append(a.Done, e.ActionID)
	case ActionPlanClosed:
		a.Closed = true
	}
}

// ActionPlan is the action plan with id, and false if there is none.
func (s *State) ActionPlan(id string) (*ActionPlan, bool) {
	a, ok := s.plans[id]
	return a, ok
}

// openPlan finds an action plan that is not closed.
func (s *State) openPlan(id string) (*ActionPlan, error) {
	var v checks
	v.id("action_plan_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	a, ok := s.plans[id]
	if !ok {
		return nil, notFound("action plan", id)
	}
	if a.Closed {
		return nil, ruleForbids("the action plan for %s is closed", a.Account)
	}
	return a, nil
}

// DraftActionPlan drafts an action plan for an account: named in words
// (Account), by its id (AccountID), or both. Given only the id, the plan
// takes the account's name.
type DraftActionPlan struct {
	ActionPlanID string
	Account      string
	AccountID    string
	Title        string
	FeedbackIDs  []string
	Actions      []PlannedAction
}

// Decide drafts a plan with at least one action, from feedback that was
// logged, with action owners who have not left.
func (c DraftActionPlan) Decide(s *State) (Decision, error) {
	var v checks
	v.id("action_plan_id", c.ActionPlanID)
	s.checkAccount(&v, c.AccountID)
	if a, ok := s.accounts[c.AccountID]; ok && c.Account == "" {
		c.Account = a.Name
	}
	v.name("account", c.Account)
	v.name("title", c.Title)
	v.ids("feedback_ids", c.FeedbackIDs)
	if len(c.Actions) == 0 {
		v.fail("actions", "needs at least one action")
	}
	for i, act := range c.Actions {
		f := fmt.Sprintf("actions[%d].", i)
		v.id(f+"action_id", act.ActionID)
		if slices.IndexFunc(c.Actions, func(o PlannedAction) bool { return o.ActionID == act.ActionID }) < i {
			v.fail(f+"action_id", "repeats %q", act.ActionID)
		}
		v.text(f+"description", act.Description)
		v.optionalID(f+"owner_id", act.OwnerID)
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.plans[c.ActionPlanID]; ok {
		return Decision{}, ruleForbids("action plan %q already exists", c.ActionPlanID)
	}
	for _, id := range c.FeedbackIDs {
		if _, ok := s.feedback.get(id); !ok {
			return Decision{}, notFound("feedback", id)
		}
	}
	for _, act := range c.Actions {
		if act.OwnerID != "" {
			if _, err := s.activePerson(act.OwnerID); err != nil {
				return Decision{}, err
			}
		}
	}
	return decide(Aggregate{KindActionPlan, c.ActionPlanID}, ActionPlanDrafted{
		ActionPlanID: c.ActionPlanID, Account: c.Account, AccountID: c.AccountID, Title: c.Title,
		FeedbackIDs: c.FeedbackIDs, Actions: c.Actions,
	})
}

// ShareActionPlan records that the plan was shared with the customer.
type ShareActionPlan struct {
	ActionPlanID string
	SharedWith   string
	Note         string
}

// Decide shares an open plan once.
func (c ShareActionPlan) Decide(s *State) (Decision, error) {
	var v checks
	v.name("shared_with", c.SharedWith)
	v.optionalText("note", c.Note)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	a, err := s.openPlan(c.ActionPlanID)
	if err != nil {
		return Decision{}, err
	}
	if a.SharedWith != "" {
		return Decision{}, ruleForbids("the action plan for %s was already shared with %s", a.Account, a.SharedWith)
	}
	return decide(Aggregate{KindActionPlan, a.ID}, ActionPlanShared{SharedWith: c.SharedWith, Note: c.Note})
}

// CompleteAction records that one action of a plan is done.
type CompleteAction struct {
	ActionPlanID string
	ActionID     string
	Note         string
}

// Decide completes an action of an open plan once.
func (c CompleteAction) Decide(s *State) (Decision, error) {
	var v checks
	v.id("action_id", c.ActionID)
	v.optionalText("note", c.Note)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	a, err := s.openPlan(c.ActionPlanID)
	if err != nil {
		return Decision{}, err
	}
	if !slices.ContainsFunc(a.Actions, func(p PlannedAction) bool { return p.ActionID == c.ActionID }) {
		return Decision{}, notFound("action of the plan for "+a.Account, c.ActionID)
	}
	if slices.Contains(a.Done, c.ActionID) {
		return Decision{}, ruleForbids("action %q is already completed", c.ActionID)
	}
	return decide(Aggregate{KindActionPlan, a.ID}, ActionCompleted{ActionID: c.ActionID, Note: c.Note})
}

// CloseActionPlan closes a plan.
type CloseActionPlan struct {
	ActionPlanID string
	Summary      string
}

// Decide closes an open plan, counting the actions left undone.
func (c CloseActionPlan) Decide(s *State) (Decision, error) {
	var v checks
	v.optionalText("summary", c.Summary)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	a, err := s.openPlan(c.ActionPlanID)
	if err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindActionPlan, a.ID}, ActionPlanClosed{Summary: c.Summary, OpenActions: len(a.Actions) - len(a.Done)})
}
