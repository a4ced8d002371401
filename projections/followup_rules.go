package projections

import (
	"io"
	"sync"
	"time"

	"cxtracker/events"
)

// FollowUpRuleView is a follow-up rule as it stands: what feedback it opens
// a follow-up for, who is assigned, when it is due, and since when.
type FollowUpRuleView struct {
	ID           string    `json:"id"`
	Metric       string    `json:"metric"`
	MinScore     int       `json:"min_score"`
	MaxScore     int       `json:"max_score"`
	JourneyID    string    `json:"journey_id,omitempty"`
	StageID      string    `json:"stage_id,omitempty"`
	TouchpointID string    `json:"touchpoint_id,omitempty"`
	Segment      string    `json:"segment,omitempty"`
	Assign       string    `json:"assign"`
	PersonID     string    `json:"person_id,omitempty"`
	DueInHours   int       `json:"due_in_hours"`
	Retired      bool      `json:"retired"`
	DefinedAt    time.Time `json:"defined_at"`
	ChangedAt    time.Time `json:"changed_at"`
	// Seq is the log sequence from which these terms apply: feedback
	// logged after it is judged by them.
	Seq     uint64 `json:"seq"`
	Version uint64 `json:"version"`
}

func (v *FollowUpRuleView) view() FollowUpRuleView { return *v }

// setTerms puts a rule's terms into the view.
func (v *FollowUpRuleView) setTerms(t events.RuleTerms) {
	v.Metric, v.MinScore, v.MaxScore = t.Metric, t.MinScore, t.MaxScore
	v.JourneyID, v.StageID, v.TouchpointID, v.Segment = t.JourneyID, t.StageID, t.TouchpointID, t.Segment
	v.Assign, v.PersonID, v.DueInHours = t.Assign, t.PersonID, t.DueInHours
}

// FollowUpRules is the read model of the follow-up rules.
type FollowUpRules struct {
	mu   sync.RWMutex
	byID map[string]*FollowUpRuleView
}

// NewFollowUpRules is an empty model.
func NewFollowUpRules() *FollowUpRules {
	return &FollowUpRules{byID: map[string]*FollowUpRuleView{}}
}

// Name implements Model.
func (m *FollowUpRules) Name() string { return "followup_rules" }

// Ignores lists what the model leaves alone: everything but the rules.
func (m *FollowUpRules) Ignores() []string { return allKindsBut(events.KindFollowUpRule) }

// Apply implements Model.
func (m *FollowUpRules) Apply(rec events.Record, p events.Payload) error {
	id, ok, err := idOfKind(rec, events.KindFollowUpRule)
	if !ok || err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.byID[id]
	if v == nil {
		v = &FollowUpRuleView{ID: id, DefinedAt: rec.Event.Time}
		m.byID[id] = v
	}
	switch e := p.(type) {
	case events.FollowUpRuleDefined:
		v.setTerms(e.RuleTerms)
	case events.FollowUpRuleChanged:
		v.setTerms(e.RuleTerms)
	case events.FollowUpRuleRetired:
		v.Retired = true
	}
	v.ChangedAt, v.Seq = rec.Event.Time, rec.Seq
	v.Version++
	return nil
}

// Get is the rule with id.
func (m *FollowUpRules) Get(id string) (FollowUpRuleView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.byID, id, (*FollowUpRuleView).view)
}

// List is every rule by id.
func (m *FollowUpRules) List() []FollowUpRuleView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewsByID(m.byID, (*FollowUpRuleView).view)
}

// SaveCheckpoint implements Checkpointed.
func (m *FollowUpRules) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return saveJSON(w, m.byID)
}

// LoadCheckpoint implements Checkpointed.
func (m *FollowUpRules) LoadCheckpoint(r io.Reader) error {
	var s map[string]*FollowUpRuleView
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.byID, s)
	return nil
}
