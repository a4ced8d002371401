package events

import (
	"slices"
	"strings"
)

// feedbackMetric refuses a feedback metric spelled in another case: "NPS"
// would otherwise make a KPI entered by hand where one computed from the
// feedback was meant.
func (c *checks) feedbackMetric(field, metric string) {
	lower := strings.ToLower(strings.TrimSpace(metric))
	if lower != metric && slices.Contains(Metrics, lower) {
		c.fail(field, "is the feedback metric %s: write it %q, so that the KPI is computed from the feedback", strings.ToUpper(lower), lower)
	}
}

// feedbackScope checks the form of a KPI's feedback scope: ids that are
// ULIDs and a visible segment, and a scope only on a feedback metric, since
// nothing else is computed from the feedback.
func (c *checks) feedbackScope(metric string, f FeedbackScope) {
	c.optionalID("journey_id", f.JourneyID)
	c.optionalID("stage_id", f.StageID)
	c.optionalID("touchpoint_id", f.TouchpointID)
	if f.Segment != "" {
		c.name("segment", f.Segment)
	}
	if f.IsZero() || ComputedFrom(metric) {
		return
	}
	field := "segment"
	switch {
	case f.JourneyID != "":
		field = "journey_id"
	case f.StageID != "":
		field = "stage_id"
	case f.TouchpointID != "":
		field = "touchpoint_id"
	}
	c.fail(field, "scopes the feedback a KPI is computed from, so it needs a feedback metric (nps, csat or ces), not %q", metric)
}

// checkFeedbackScope checks a feedback scope against the state: each id
// names a journey, stage or touchpoint that exists (else invalid), the
// touchpoint is not retired, and they fit together: the touchpoint is at
// the stage and in the journey given, the stage in the journey (else a
// rule forbids it).
func (s *State) checkFeedbackScope(f FeedbackScope) error {
	var journey *Journey
	if f.JourneyID != "" {
		j, ok := s.journeys[f.JourneyID]
		if !ok {
			return invalidField("journey_id", "names no journey")
		}
		journey = j
	}
	if f.StageID != "" {
		in, ok := s.stages[f.StageID]
		if !ok {
			return invalidField("stage_id", "names no stage")
		}
		if journey != nil && in != journey.ID {
			return ruleForbids("stage %s is not in the journey %s", s.stageName(f.StageID), journey.Name)
		}
	}
	if f.TouchpointID != "" {
		tp, ok := s.Touchpoint(f.TouchpointID)
		if !ok {
			return invalidField("touchpoint_id", "names no touchpoint")
		}
		if tp.Retired {
			return ruleForbids("touchpoint %s is retired: it takes no more feedback", tp.Name)
		}
		if journey != nil && tp.JourneyID != journey.ID {
			return ruleForbids("touchpoint %s is not in the journey %s", tp.Name, journey.Name)
		}
		if f.StageID != "" && tp.StageID != f.StageID {
			return ruleForbids("touchpoint %s is at the stage %s, not at %s", tp.Name, s.stageName(tp.StageID), s.stageName(f.StageID))
		}
	}
	return nil
}

// stageName is the name of the stage with id, or its id when it has none.
func (s *State) stageName(id string) string {
	if j, ok := s.journeys[s.stages[id]]; ok {
		for _, st := range j.Stages {
			if st.ID == id {
				return st.Name
			}
		}
	}
	return id
}
