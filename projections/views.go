package projections

// Views are all the read models the API serves, built by one projector.
type Views struct {
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
}

// NewViews is every read model, empty.
func NewViews() *Views {
	return &Views{
		Tokens:      NewTokens(),
		Idempotency: NewIdempotency(),
		People:      NewPeople(),
		Council:     NewCouncil(),
		Crews:       NewCrews(),
		Initiatives: NewInitiatives(),
		Journeys:    NewJourneys(),
		Feedback:    NewFeedback(),
		KPIs:        NewKPIs(),
		ActionPlans: NewActionPlans(),
	}
}

// Models lists the views for the projector, in the order it applies them.
func (v *Views) Models() []Model {
	return []Model{v.Tokens, v.Idempotency, v.People, v.Council, v.Crews, v.Initiatives, v.Journeys, v.Feedback, v.KPIs, v.ActionPlans}
}
