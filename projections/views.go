package projections

import (
	"slices"

	"cxtracker/events"
)

// Views are all the read models the API serves, built by one projector.
type Views struct {
	// Clock is the program's own clock, which judges which events were
	// recorded late.
	Clock       *ProgramClock
	Tokens      *Tokens
	Idempotency *Idempotency
	People      *People
	Council     *Council
	Crews       *Crews
	Initiatives *Initiatives
	Journeys    *Journeys
	Feedback    *Feedback
	KPIs        *KPIs
	ActionPlans *ActionPlans
	Accounts    *Accounts
	History     *ReportHistory

	// FollowUpRules are the rules that open follow-ups.
	FollowUpRules *FollowUpRules
}

// NewViews is every read model, empty, the feedback items kept in memory:
// for a replay that builds views and drops them.
func NewViews() *Views {
	return newViews(NewFeedback())
}

// OpenViews is every read model, empty but for the feedback model's item
// store, which is kept in dir and may hold items already (see
// OpenFeedback). Close closes it.
func OpenViews(dir string) (*Views, error) {
	f, err := OpenFeedback(dir)
	if err != nil {
		return nil, err
	}
	return newViews(f), nil
}

// Close closes what the views keep on disk, committing it first.
func (v *Views) Close() error { return v.Feedback.Close() }

func newViews(feedback *Feedback) *Views {
	clock := NewProgramClock()
	plans := NewActionPlans()
	return &Views{
		Clock:       clock,
		Tokens:      NewTokens(),
		Idempotency: NewIdempotency(),
		People:      NewPeople(),
		Council:     NewCouncil(),
		Crews:       NewCrews(),
		Initiatives: NewInitiatives().JudgedBy(clock),
		Journeys:    NewJourneys(),
		Feedback:    feedback,
		KPIs:        NewKPIsOf(feedback),
		ActionPlans: plans,
		Accounts:    NewAccountsOf(feedback, plans),
		History:     NewReportHistory(),

		FollowUpRules: NewFollowUpRules(),
	}
}

// Models lists the views for the projector, in the order it applies them:
// the clock first, so that a model applying a record finds the clock there.
func (v *Views) Models() []Model {
	return []Model{v.Clock, v.Tokens, v.Idempotency, v.People, v.Council, v.Crews, v.Initiatives, v.Journeys, v.Feedback, v.KPIs, v.ActionPlans, v.Accounts, v.FollowUpRules, v.History}
}

// allKindsBut lists every aggregate kind of the catalogue except those a
// model follows: the start of the Ignores list of a model that reads a few
// kinds, so that it names what it reads rather than all it does not.
func allKindsBut(follows ...string) []string {
	var out []string
	for _, et := range events.EventTypes() {
		if !slices.Contains(follows, et.Kind) && !slices.Contains(out, et.Kind) {
			out = append(out, et.Kind)
		}
	}
	return out
}
