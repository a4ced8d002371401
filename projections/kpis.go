package projections

import (
	"slices"
	"sort"
	"sync"
	"time"

	"cxtracker/events"
)

// KPIs is the read model of KPIs: each one's current value against its
// target, and its history of measurements and target changes. The values
// of a KPI computed from the feedback are read from the feedback model at
// each read (see computed); a model without one (a KPI built alone, as
// time travel does) shows none.
type KPIs struct {
	mu       sync.RWMutex
	byID     map[string]*KPIView
	feedback *Feedback
	sums     scopeSumsCache
}

// Where a KPI's values come from.
const (
	KPISourceFeedback = "feedback"
	KPISourceHand     = "hand"
)

// KPIView is one KPI as the API shows it. Source says where its values come
// from: the feedback in its scope (a KPI on nps, csat or ces; no scope is
// all the feedback, the program's headline), or measurements entered by
// hand. Current is its value now (see KPICurrent); Met says whether it
// reaches the target in the KPI's direction, and both are null until
// something is measured. A computed KPI has its history in Weeks and
// Months and its figure over all its feedback in Overall; Measurements
// holds what was entered by hand.
type KPIView struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Metric    string  `json:"metric"`
	Unit      string  `json:"unit"`
	Target    float64 `json:"target"`
	Direction string  `json:"direction"`
	OwnerID   string  `json:"owner_id,omitempty"`
	OwnerName string  `json:"owner_name,omitempty"` // filled when read (Names)
	Scope     string  `json:"scope,omitempty"`
	events.FeedbackScope
	Source        string            `json:"source" enum:"feedback,hand"`
	Retired       bool              `json:"retired"`
	DefinedAt     time.Time         `json:"defined_at"`
	Current       *KPICurrent       `json:"current"`
	Met           *bool             `json:"met"`
	Overall       *KPIFigure        `json:"overall,omitempty"`
	Weeks         []KPIPeriod       `json:"weeks"`
	Months        []KPIPeriod       `json:"months"`
	Measurements  []KPIMeasurement  `json:"measurements"`
	TargetChanges []KPITargetChange `json:"target_changes"`
}

// KPIMeasurement is one recorded value, oldest measured first in a history:
// MeasuredAt is when it was measured (the event's time unless the
// measurement says), RecordedAt when the log stored it.
type KPIMeasurement struct {
	Value      float64   `json:"value"`
	MeasuredAt time.Time `json:"measured_at"`
	Note       string    `json:"note,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

// KPITargetChange is one change of a KPI's target.
type KPITargetChange struct {
	Target         float64   `json:"target"`
	PreviousTarget float64   `json:"previous_target"`
	ChangedAt      time.Time `json:"changed_at"`
}

// NewKPIs is an empty model that computes no KPI from the feedback: its
// KPIs on a feedback metric show no value.
func NewKPIs() *KPIs { return NewKPIsOf(nil) }

// NewKPIsOf is an empty model whose KPIs on a feedback metric are computed
// from the feedback model f.
func NewKPIsOf(f *Feedback) *KPIs { return &KPIs{byID: map[string]*KPIView{}, feedback: f} }

// Name implements Model.
func (m *KPIs) Name() string { return "kpis" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it follows only the KPIs. A test (coverage_test.go) fails when
// a registered event type is neither handled nor listed here.
func (m *KPIs) Ignores() []string {
	return allKindsBut(events.KindKPI)
}

// Apply implements Model.
func (m *KPIs) Apply(rec events.Record, p events.Payload) error {
	id, ok, err := idOfKind(rec, events.KindKPI)
	if !ok {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at := rec.Event.Time
	if e, ok := p.(events.KPIDefined); ok {
		m.byID[id] = &KPIView{ID: id, Name: e.Name, Metric: e.Metric, Unit: e.Unit, Target: e.Target,
			Direction: e.Direction, OwnerID: e.OwnerID, Scope: e.Scope, FeedbackScope: e.FeedbackScope, DefinedAt: at,
			Measurements: []KPIMeasurement{}, TargetChanges: []KPITargetChange{}}
		return nil
	}
	k := m.byID[id]
	if k == nil {
		return nil
	}
	switch e := p.(type) {
	case events.KPITargetChanged:
		k.Target = e.Target
		k.TargetChanges = append(k.TargetChanges, KPITargetChange{Target: e.Target, PreviousTarget: e.PreviousTarget, ChangedAt: at})
	case events.KPIOwnerChanged:
		k.OwnerID = e.OwnerID
	case events.MeasurementRecorded:
		ms := KPIMeasurement{Value: e.Value, MeasuredAt: e.MeasuredAt, Note: e.Note, RecordedAt: rec.Stored.UTC()}
		if ms.MeasuredAt.IsZero() {
			ms.MeasuredAt = at
		}
		i := sort.Search(len(k.Measurements), func(i int) bool { return k.Measurements[i].MeasuredAt.After(ms.MeasuredAt) })
		k.Measurements = slices.Insert(k.Measurements, i, ms)
	case events.KPIRetired:
		k.Retired = true
	}
	return nil
}

// Get is the KPI with id.
func (m *KPIs) Get(id string) (KPIView, bool) {
	m.mu.RLock()
	v, ok := viewOf(m.byID, id, (*KPIView).view)
	m.mu.RUnlock()
	if ok {
		m.standing(&v)
	}
	return v, ok
}

// List is every KPI, retired ones too, ordered by id.
func (m *KPIs) List() []KPIView {
	m.mu.RLock()
	list := viewsByID(m.byID, (*KPIView).view)
	m.mu.RUnlock()
	for i := range list {
		m.standing(&list[i])
	}
	return list
}

// WithoutOwner lists, by id, the KPIs still tracked that nobody owns: a
// goal assigned to no one, which the program overview shows as a gap.
func (m *KPIs) WithoutOwner() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []string{}
	for id, k := range m.byID {
		if !k.Retired && k.OwnerID == "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// view is a copy of the KPI, its standing left to standing.
func (k *KPIView) view() KPIView {
	v := *k
	v.Measurements = slices.Clone(k.Measurements)
	v.TargetChanges = slices.Clone(k.TargetChanges)
	return v
}
