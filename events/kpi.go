package events

import (
	"slices"
	"strings"
	"time"
)

// KindKPI is the aggregate of one KPI: its definition, target, owner and
// measurements.
const KindKPI = "kpi"

// kpiEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var kpiEvents = []EventType{
	def[KPIDefined](KindKPI, 1),
	def[KPITargetChanged](KindKPI, 1),
	def[KPIOwnerChanged](KindKPI, 1),
	def[MeasurementRecorded](KindKPI, 1),
	def[KPIRetired](KindKPI, 1),
}

// Event names of the KPI aggregate.
const (
	EventKPIDefined          = "kpi_defined"
	EventKPITargetChanged    = "kpi_target_changed"
	EventKPIOwnerChanged     = "kpi_owner_changed"
	EventMeasurementRecorded = "measurement_recorded"
	EventKPIRetired          = "kpi_retired"
)

// Directions in which a KPI improves.
const (
	HigherIsBetter = "higher_is_better"
	LowerIsBetter  = "lower_is_better"
)

// Directions lists the directions in which a KPI improves.
var Directions = []string{HigherIsBetter, LowerIsBetter}

// KPIDefined says a KPI is tracked: what it measures, in which unit, the
// target and which way is better, who owns it (none yet is a gap the
// program shows), and what it covers in words (Scope). A KPI on a feedback
// metric (nps, csat, ces) is computed from the feedback; its FeedbackScope
// says which (none: all of it, the program's headline).
type KPIDefined struct {
	KPIID     string  `json:"kpi_id"`
	Name      string  `json:"name"`
	Metric    string  `json:"metric"`
	Unit      string  `json:"unit"`
	Target    float64 `json:"target"`
	Direction string  `json:"direction"`
	OwnerID   string  `json:"owner_id,omitempty"`
	Scope     string  `json:"scope,omitempty"`
	FeedbackScope
}

// FeedbackScope is the part of the feedback a KPI on a feedback metric is
// computed from: the feedback at one touchpoint, one stage or one journey,
// and of one segment; a field left empty selects all. The ids fit
// together: a touchpoint's stage and journey, a stage's journey.
type FeedbackScope struct {
	JourneyID    string `json:"journey_id,omitempty"`
	StageID      string `json:"stage_id,omitempty"`
	TouchpointID string `json:"touchpoint_id,omitempty"`
	Segment      string `json:"segment,omitempty"`
}

// IsZero reports whether the scope selects all the feedback.
func (f FeedbackScope) IsZero() bool { return f == FeedbackScope{} }

// ComputedFrom reports whether a KPI on metric is computed from the
// feedback (nps, csat or ces) rather than measured by hand.
func ComputedFrom(metric string) bool { return slices.Contains(Metrics, metric) }

// KPITargetChanged carries a KPI's new target.
type KPITargetChanged struct {
	Target         float64 `json:"target"`
	PreviousTarget float64 `json:"previous_target"`
}

// KPIOwnerChanged says who owns a KPI from now on. A KPI's owner could have
// been set at its definition only, but the API changes it and a KPI without
// one is a gap to fill, so filling it must be a fact of its own.
type KPIOwnerChanged struct {
	OwnerID         string `json:"owner_id"`
	PreviousOwnerID string `json:"previous_owner_id,omitempty"`
}

// MeasurementRecorded is one value of the KPI, measured at a time (the
// event's time when not given).
type MeasurementRecorded struct {
	Value      float64   `json:"value"`
	MeasuredAt time.Time `json:"measured_at,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// KPIRetired says a KPI is no longer tracked; its history stays.
type KPIRetired struct {
	Reason string `json:"reason,omitempty"`
}

func (KPIDefined) EventName() string          { return EventKPIDefined }
func (KPITargetChanged) EventName() string    { return EventKPITargetChanged }
func (KPIOwnerChanged) EventName() string     { return EventKPIOwnerChanged }
func (MeasurementRecorded) EventName() string { return EventMeasurementRecorded }
func (KPIRetired) EventName() string          { return EventKPIRetired }

// KPI is the current state of one KPI.
type KPI struct {
	ID           string
	Name         string
	Metric       string
	Unit         string
	Target       float64
	Direction    string
	OwnerID      string
	Scope        string
	Feedback     FeedbackScope
	Measurements int
	LastValue    float64
	Retired      bool
}

func (k *KPI) apply(ev Payload) {
	switch e := ev.(type) {
	case KPIDefined:
		k.Name, k.Metric, k.Unit, k.Target = e.Name, e.Metric, e.Unit, e.Target
		k.Direction, k.OwnerID, k.Scope, k.Feedback = e.Direction, e.OwnerID, e.Scope, e.FeedbackScope
	case KPITargetChanged:
		k.Target = e.Target
	case KPIOwnerChanged:
		k.OwnerID = e.OwnerID
	case MeasurementRecorded:
		k.Measurements++
		k.LastValue = e.Value
	case KPIRetired:
		k.Retired = true
	}
}

// KPI is the KPI with id, and false if there is none.
func (s *State) KPI(id string) (*KPI, bool) {
	k, ok := s.kpis[id]
	return k, ok
}

// liveKPI finds a KPI that is not retired.
func (s *State) liveKPI(id string) (*KPI, error) {
	var v checks
	v.id("kpi_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	k, ok := s.kpis[id]
	if !ok {
		return nil, notFound("KPI", id)
	}
	if k.Retired {
		return nil, ruleForbids("KPI %s is retired", k.Name)
	}
	return k, nil
}

// DefineKPI defines a KPI.
type DefineKPI struct {
	KPIID     string
	Name      string
	Metric    string
	Unit      string
	Target    float64
	Direction string
	OwnerID   string
	Scope     string
	Feedback  FeedbackScope
}

// Decide defines a KPI once, owned (if at all) by a person who has not left;
// a feedback scope only on a feedback metric, naming a journey, stage and
// touchpoint that exist and fit together (see checkFeedbackScope).
func (c DefineKPI) Decide(s *State) (Decision, error) {
	var v checks
	v.id("kpi_id", c.KPIID)
	v.name("name", c.Name)
	v.name("metric", c.Metric)
	v.name("unit", c.Unit)
	v.number("target", c.Target)
	v.oneOf("direction", c.Direction, Directions)
	v.optionalID("owner_id", c.OwnerID)
	if c.Scope != "" {
		v.name("scope", c.Scope)
	}
	v.feedbackMetric("metric", c.Metric)
	v.feedbackScope(c.Metric, c.Feedback)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.kpis[c.KPIID]; ok {
		return Decision{}, ruleForbids("KPI %q already exists", c.KPIID)
	}
	if c.OwnerID != "" {
		if _, err := s.activePerson(c.OwnerID); err != nil {
			return Decision{}, err
		}
	}
	if err := s.checkFeedbackScope(c.Feedback); err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindKPI, c.KPIID}, KPIDefined{
		KPIID: c.KPIID, Name: c.Name, Metric: c.Metric, Unit: c.Unit, Target: c.Target,
		Direction: c.Direction, OwnerID: c.OwnerID, Scope: c.Scope, FeedbackScope: c.Feedback,
	})
}

// ChangeKPI changes a KPI's target, owner, or both; a nil field stays.
type ChangeKPI struct {
	KPIID   string
	Target  *float64
	OwnerID *string
}

// Decide changes a KPI that is not retired, recording one event per detail
// that actually changes, atomically.
func (c ChangeKPI) Decide(s *State) (Decision, error) {
	var v checks
	if c.Target != nil {
		v.number("target", *c.Target)
	}
	if c.OwnerID != nil {
		v.id("owner_id", *c.OwnerID)
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	k, err := s.liveKPI(c.KPIID)
	if err != nil {
		return Decision{}, err
	}
	agg := Aggregate{KindKPI, k.ID}
	var evs []Payload
	if c.Target != nil && *c.Target != k.Target {
		evs = append(evs, KPITargetChanged{Target: *c.Target, PreviousTarget: k.Target})
	}
	if c.OwnerID != nil && *c.OwnerID != k.OwnerID {
		if _, err := s.activePerson(*c.OwnerID); err != nil {
			return Decision{}, err
		}
		evs = append(evs, KPIOwnerChanged{OwnerID: *c.OwnerID, PreviousOwnerID: k.OwnerID})
	}
	return decide(agg, evs...)
}

// RecordMeasurement records one value of a KPI.
type RecordMeasurement struct {
	KPIID      string
	Value      float64
	MeasuredAt time.Time
	Note       string
}

// Decide records a finite value on a KPI that is not retired and is not
// computed from the feedback.
func (c RecordMeasurement) Decide(s *State) (Decision, error) {
	var v checks
	v.number("value", c.Value)
	v.optionalText("note", c.Note)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	k, err := s.liveKPI(c.KPIID)
	if err != nil {
		return Decision{}, err
	}
	if ComputedFrom(k.Metric) {
		return Decision{}, ruleForbids("KPI %s is computed from the %s feedback each week and month; its value cannot be entered by hand", k.Name, strings.ToUpper(k.Metric))
	}
	return decide(Aggregate{KindKPI, k.ID}, MeasurementRecorded{Value: c.Value, MeasuredAt: c.MeasuredAt.UTC(), Note: c.Note})
}

// RetireKPI stops tracking a KPI.
type RetireKPI struct {
	KPIID  string
	Reason string
}

// Decide retires a KPI once.
func (c RetireKPI) Decide(s *State) (Decision, error) {
	var v checks
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	k, err := s.liveKPI(c.KPIID)
	if err != nil {
		return Decision{}, err
	}
	return decide(Aggregate{KindKPI, k.ID}, KPIRetired{Reason: c.Reason})
}
