package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// DefineFollowUpRuleRequest defines a rule that opens a follow-up for every
// feedback item logged from now on with a score in a range, in an optional
// scope.
type DefineFollowUpRuleRequest struct {
	Metric       string `json:"metric" doc:"nps, csat or ces"`
	MinScore     *int   `json:"min_score" doc:"lowest score matched, on the metric's scale (NPS 0-10, CSAT 1-5, CES 1-7)"`
	MaxScore     *int   `json:"max_score" doc:"highest score matched, at least min_score"`
	JourneyID    string `json:"journey_id,omitempty" doc:"only feedback in this journey"`
	StageID      string `json:"stage_id,omitempty" doc:"only feedback at this stage (of journey_id, if given)"`
	TouchpointID string `json:"touchpoint_id,omitempty" doc:"only feedback at this touchpoint"`
	Segment      string `json:"segment,omitempty" doc:"only feedback of this segment"`
	Assign       string `json:"assign" doc:"crew_lead (the lead of the crew owning the item's touchpoint) or person (person_id)"`
	PersonID     string `json:"person_id,omitempty" doc:"with assign person: who follows up"`
	DueInHours   *int   `json:"due_in_hours" doc:"hours from opening until the follow-up is due; past it, it is escalated to the CX manager"`
}

// ChangeFollowUpRuleRequest changes the terms it gives; feedback logged
// before the change keeps the terms it was judged by.
type ChangeFollowUpRuleRequest struct {
	Metric       *string `json:"metric,omitempty"`
	MinScore     *int    `json:"min_score,omitempty"`
	MaxScore     *int    `json:"max_score,omitempty"`
	JourneyID    *string `json:"journey_id,omitempty" doc:"empty: any journey"`
	StageID      *string `json:"stage_id,omitempty" doc:"empty: any stage"`
	TouchpointID *string `json:"touchpoint_id,omitempty" doc:"empty: any touchpoint"`
	Segment      *string `json:"segment,omitempty" doc:"empty: any segment"`
	Assign       *string `json:"assign,omitempty" doc:"crew_lead or person"`
	PersonID     *string `json:"person_id,omitempty"`
	DueInHours   *int    `json:"due_in_hours,omitempty"`
}

// RetireFollowUpRuleRequest says, optionally, why a rule no longer applies.
type RetireFollowUpRuleRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (s *Server) followUpRuleRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/follow-up-rules", Allow: Rule{Roles: cxTeam}, Summary: "define a rule that opens a follow-up for each feedback item logged from now on that it matches, assigned and due as it says",
			Request: DefineFollowUpRuleRequest{}, Response: projections.FollowUpRuleView{}, Status: http.StatusCreated, Handler: s.defineFollowUpRule},
		{Method: http.MethodGet, Path: "/v1/follow-up-rules", Summary: "follow-up rules by id, retired ones too",
			Query: PageQuery{}, Response: Page[projections.FollowUpRuleView]{}, Handler: listByID(s.Views.FollowUpRules.List, func(r projections.FollowUpRuleView) string { return r.ID })},
		{Method: http.MethodGet, Path: "/v1/follow-up-rules/{id}", Summary: "a follow-up rule",
			Response: projections.FollowUpRuleView{}, Handler: getByID("follow-up rule", s.Views.FollowUpRules.Get)},
		{Method: http.MethodPatch, Path: "/v1/follow-up-rules/{id}", Allow: Rule{Roles: cxTeam}, Summary: "change the terms given of a rule; it applies so to feedback logged from now on",
			Request: ChangeFollowUpRuleRequest{}, Response: projections.FollowUpRuleView{}, Handler: s.changeFollowUpRule},
		{Method: http.MethodDelete, Path: "/v1/follow-up-rules/{id}", Allow: Rule{Roles: cxTeam}, Summary: "retire a rule (optional body: reason): it opens no follow-up for feedback logged from now on",
			BodyOptional: true, Request: RetireFollowUpRuleRequest{}, Response: projections.FollowUpRuleView{}, Handler: s.retireFollowUpRule},
	}
}

func (s *Server) defineFollowUpRule(c echo.Context) error {
	var req DefineFollowUpRuleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var errs fieldErrors
	lo, hi := required(&errs, "min_score", req.MinScore), required(&errs, "max_score", req.MaxScore)
	due := required(&errs, "due_in_hours", req.DueInHours)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.DefineFollowUpRule{RuleID: id, Terms: events.RuleTerms{Metric: req.Metric, MinScore: lo, MaxScore: hi,
			JourneyID: req.JourneyID, StageID: req.StageID, TouchpointID: req.TouchpointID, Segment: req.Segment,
			Assign: req.Assign, PersonID: req.PersonID, DueInHours: due}},
		Status: http.StatusCreated, View: foundView("follow-up rule", id, s.Views.FollowUpRules.Get),
	})
}

func (s *Server) changeFollowUpRule(c echo.Context) error {
	var req ChangeFollowUpRuleRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req == (ChangeFollowUpRuleRequest{}) {
		return invalid(FieldError{Field: "metric", Message: "give at least one term to change"})
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindFollowUpRule, ID: id},
		Command: events.ChangeFollowUpRule{RuleID: id, Patch: events.RulePatch{Metric: req.Metric, MinScore: req.MinScore, MaxScore: req.MaxScore,
			JourneyID: req.JourneyID, StageID: req.StageID, TouchpointID: req.TouchpointID, Segment: req.Segment,
			Assign: req.Assign, PersonID: req.PersonID, DueInHours: req.DueInHours}},
		View: foundView("follow-up rule", id, s.Views.FollowUpRules.Get),
	})
}

func (s *Server) retireFollowUpRule(c echo.Context) error {
	var req RetireFollowUpRuleRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindFollowUpRule, ID: id},
		Command:   events.RetireFollowUpRule{RuleID: id, Reason: req.Reason},
		View:      foundView("follow-up rule", id, s.Views.FollowUpRules.Get),
	})
}
