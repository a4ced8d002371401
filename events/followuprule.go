package events

import "time"

// KindFollowUpRule is the aggregate of one follow-up rule: which feedback
// gets a follow-up opened for it without anyone asking (a score range on a
// metric, in an optional scope), who is assigned, and how long they have.
// The rule manager (package rules) follows the log and applies the rules.
const KindFollowUpRule = "followup_rule"

// followupRuleEvents registers the event types of this aggregate in the
// catalogue (catalogue.go).
var followupRuleEvents = []EventType{
	def[FollowUpRuleDefined](KindFollowUpRule, 1),
	def[FollowUpRuleChanged](KindFollowUpRule, 1),
	def[FollowUpRuleRetired](KindFollowUpRule, 1),
}

// Event names of the follow-up rule aggregate.
const (
	EventFollowUpRuleDefined = "followup_rule_defined"
	EventFollowUpRuleChanged = "followup_rule_changed"
	EventFollowUpRuleRetired = "followup_rule_retired"
)

// Who a rule assigns its follow-ups to.
const (
	// AssignCrewLead is the lead of the crew that owns the feedback's
	// touchpoint, as the crew stands when the follow-up is opened.
	AssignCrewLead = "crew_lead"
	// AssignPerson is the person the rule names.
	AssignPerson = "person"
)

// AssignTargets lists the values of a rule's assign.
var AssignTargets = []string{AssignCrewLead, AssignPerson}

// MaxDueInHours is the longest a rule may give (a year).
const MaxDueInHours = 24 * 366

// RuleTerms is what a rule says: the feedback it matches and what is done.
// A defined rule and a changed one carry all of it, so one event tells the
// rule as it stands.
type RuleTerms struct {
	Metric       string `json:"metric"`
	MinScore     int    `json:"min_score"`
	MaxScore     int    `json:"max_score"`
	JourneyID    string `json:"journey_id,omitempty"`
	StageID      string `json:"stage_id,omitempty"`
	TouchpointID string `json:"touchpoint_id,omitempty"`
	Segment      string `json:"segment,omitempty"`
	Assign       string `json:"assign"`
	PersonID     string `json:"person_id,omitempty"`
	DueInHours   int    `json:"due_in_hours"`
}

// FollowUpRuleDefined says a follow-up rule applies from here on in the log.
type FollowUpRuleDefined struct {
	RuleID string `json:"rule_id"`
	RuleTerms
}

// FollowUpRuleChanged gives a rule's terms as they stand from here on in the
// log; feedback logged before keeps the terms it was judged by.
type FollowUpRuleChanged struct {
	RuleTerms
}

// FollowUpRuleRetired says a rule matches no feedback logged from here on.
type FollowUpRuleRetired struct {
	Reason string `json:"reason,omitempty"`
}

func (FollowUpRuleDefined) EventName() string { return EventFollowUpRuleDefined }
func (FollowUpRuleChanged) EventName() string { return EventFollowUpRuleChanged }
func (FollowUpRuleRetired) EventName() string { return EventFollowUpRuleRetired }

// FollowUpRule is a rule as it stands now.
type FollowUpRule struct {
	ID      string
	Terms   RuleTerms
	Retired bool
}

func (r *FollowUpRule) apply(ev Payload) {
	switch e := ev.(type) {
	case FollowUpRuleDefined:
		r.Terms = e.RuleTerms
	case FollowUpRuleChanged:
		r.Terms = e.RuleTerms
	case FollowUpRuleRetired:
		r.Retired = true
	}
}

// Apply applies one of the rule's events to r, so that a reader following
// the log (the rule manager) keeps rules exactly as the write side does.
func (r *FollowUpRule) Apply(ev Payload) { r.apply(ev) }

// Due is when a follow-up the rule opens at opened is due.
func (t RuleTerms) Due(opened time.Time) time.Time {
	return opened.Add(time.Duration(t.DueInHours) * time.Hour)
}

// Matches says whether a feedback item on metric with score, in segment, at
// a touchpoint of the stage and journey given, is one the terms open a
// follow-up for.
func (t RuleTerms) Matches(metric string, score int, segment, touchpointID, stageID, journeyID string) bool {
	return metric == t.Metric && score >= t.MinScore && score <= t.MaxScore &&
		(t.TouchpointID == "" || t.TouchpointID == touchpointID) &&
		(t.StageID == "" || t.StageID == stageID) &&
		(t.JourneyID == "" || t.JourneyID == journeyID) &&
		(t.Segment == "" || t.Segment == segment)
}

// FollowUpRule is the rule with id, and false if there is none.
func (s *State) FollowUpRule(id string) (*FollowUpRule, bool) {
	r, ok := s.followUpRules[id]
	return r, ok
}

// check gathers what is wrong with the terms on their own and against s:
// a score range on the metric's scale, scope ids that exist and fit
// together, and an assignee who can be assigned.
func (t RuleTerms) check(s *State, v *checks) {
	if sc, ok := scales[t.Metric]; !ok {
		v.oneOf("metric", t.Metric, Metrics)
	} else {
		if t.MinScore < sc.Min || t.MinScore > sc.Max {
			v.fail("min_score", "must be from %d to %d for %s", sc.Min, sc.Max, t.Metric)
		}
		if t.MaxScore < sc.Min || t.MaxScore > sc.Max {
			v.fail("max_score", "must be from %d to %d for %s", sc.Min, sc.Max, t.Metric)
		}
		if t.MinScore > t.MaxScore {
			v.fail("max_score", "must not be below min_score %d", t.MinScore)
		}
	}
	v.optionalID("journey_id", t.JourneyID)
	v.optionalID("stage_id", t.StageID)
	v.optionalID("touchpoint_id", t.TouchpointID)
	if t.Segment != "" {
		v.name("segment", t.Segment)
	}
	v.oneOf("assign", t.Assign, AssignTargets)
	switch {
	case t.Assign == AssignPerson:
		v.id("person_id", t.PersonID)
	case t.PersonID != "":
		v.fail("person_id", "is given only with assign %q", AssignPerson)
	}
	if t.DueInHours < 1 || t.DueInHours > MaxDueInHours {
		v.fail("due_in_hours", "must be from 1 to %d", MaxDueInHours)
	}
}

// checkRefs checks the ids the terms name against s: the scope exists and
// holds together, and the person assigned has not left.
func (t RuleTerms) checkRefs(s *State) error {
	if t.JourneyID != "" {
		if _, ok := s.journeys[t.JourneyID]; !ok {
			return notFound("journey", t.JourneyID)
		}
	}
	if t.StageID != "" {
		j, ok := s.stages[t.StageID]
		if !ok {
			return notFound("stage", t.StageID)
		}
		if t.JourneyID != "" && j != t.JourneyID {
			return ruleForbids("stage %s is not in journey %s", t.StageID, t.JourneyID)
		}
	}
	if t.TouchpointID != "" {
		tp, ok := s.Touchpoint(t.TouchpointID)
		if !ok {
			return notFound("touchpoint", t.TouchpointID)
		}
		if t.JourneyID != "" && tp.JourneyID != t.JourneyID {
			return ruleForbids("touchpoint %s is not in journey %s", tp.Name, t.JourneyID)
		}
		if t.StageID != "" && tp.StageID != t.StageID {
			return ruleForbids("touchpoint %s is not in stage %s", tp.Name, t.StageID)
		}
	}
	if t.Assign == AssignPerson {
		if _, err := s.activePerson(t.PersonID); err != nil {
			return err
		}
	}
	return nil
}

// decideTerms checks the rule's terms, and answers the first rejection.
func decideTerms(s *State, t RuleTerms) error {
	var v checks
	t.check(s, &v)
	if err := v.err(); err != nil {
		return err
	}
	return t.checkRefs(s)
}

// DefineFollowUpRule defines a new follow-up rule.
type DefineFollowUpRule struct {
	RuleID string
	Terms  RuleTerms
}

// Decide defines a rule under a new id, with valid terms.
func (c DefineFollowUpRule) Decide(s *State) (Decision, error) {
	var v checks
	v.id("rule_id", c.RuleID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.followUpRules[c.RuleID]; ok {
		return Decision{}, ruleForbids("follow-up rule %q is already defined", c.RuleID)
	}
	if err := decideTerms(s, c.Terms); err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindFollowUpRule, c.RuleID}, FollowUpRuleDefined{RuleID: c.RuleID, RuleTerms: c.Terms})
}

// ChangeFollowUpRule changes the terms of a rule that the patch gives.
type ChangeFollowUpRule struct {
	RuleID string
	Patch  RulePatch
}

// RulePatch is the terms a change gives; nil leaves a term as it is. An
// empty string clears a scope term.
type RulePatch struct {
	Metric             *string
	MinScore, MaxScore *int
	JourneyID, StageID *string
	TouchpointID       *string
	Segment            *string
	Assign, PersonID   *string
	DueInHours         *int
}

// over is t with the patch's terms put over it. Assigning to the crew lead
// without naming a person drops the person.
func (p RulePatch) over(t RuleTerms) RuleTerms {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.Metric, p.Metric)
	setInt(&t.MinScore, p.MinScore)
	setInt(&t.MaxScore, p.MaxScore)
	set(&t.JourneyID, p.JourneyID)
	set(&t.StageID, p.StageID)
	set(&t.TouchpointID, p.TouchpointID)
	set(&t.Segment, p.Segment)
	set(&t.Assign, p.Assign)
	set(&t.PersonID, p.PersonID)
	setInt(&t.DueInHours, p.DueInHours)
	if p.Assign != nil && *p.Assign == AssignCrewLead && p.PersonID == nil {
		t.PersonID = ""
	}
	return t
}

// Decide changes a rule that is not retired, checking the terms it ends
// with as a new rule's; terms as they were change nothing.
func (c ChangeFollowUpRule) Decide(s *State) (Decision, error) {
	r, err := s.liveRule(c.RuleID)
	if err != nil {
		return Decision{}, err
	}
	terms := c.Patch.over(r.Terms)
	if err := decideTerms(s, terms); err != nil {
		return Decision{}, err
	}
	agg := Aggregate{KindFollowUpRule, c.RuleID}
	if r.Terms == terms {
		return decide(agg)
	}
	return decide(agg, FollowUpRuleChanged{RuleTerms: terms})
}

// RetireFollowUpRule retires a rule, saying why if the caller says.
type RetireFollowUpRule struct {
	RuleID string
	Reason string
}

// Decide retires a rule once.
func (c RetireFollowUpRule) Decide(s *State) (Decision, error) {
	var v checks
	v.id("rule_id", c.RuleID)
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, err := s.liveRule(c.RuleID); err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindFollowUpRule, c.RuleID}, FollowUpRuleRetired{Reason: c.Reason})
}

// liveRule finds a rule that is not retired.
func (s *State) liveRule(id string) (*FollowUpRule, error) {
	var v checks
	v.id("rule_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, ok := s.followUpRules[id]
	if !ok {
		return nil, notFound("follow-up rule", id)
	}
	if r.Retired {
		return nil, ruleForbids("follow-up rule %s is retired", r.ID)
	}
	return r, nil
}
