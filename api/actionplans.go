package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// DraftActionPlanRequest drafts a plan for an account from its feedback;
// the API gives each action its id.
type DraftActionPlanRequest struct {
	Account     string              `json:"account,omitempty" doc:"the account in words; required without account_id, whose name it is by default"`
	AccountID   string              `json:"account_id,omitempty" doc:"the account (GET /v1/accounts) the plan is for; one never opened is a 422 naming account_id"`
	Title       string              `json:"title"`
	FeedbackIDs []string            `json:"feedback_ids,omitempty"`
	Actions     []PlanActionRequest `json:"actions"`
}

// PlanActionRequest is one action of a plan.
type PlanActionRequest struct {
	Description string `json:"description"`
	OwnerID     string `json:"owner_id,omitempty"`
}

// ShareActionPlanRequest records with whom at the customer the plan was
// shared.
type ShareActionPlanRequest struct {
	SharedWith string `json:"shared_with"`
	Note       string `json:"note,omitempty"`
}

// CompleteActionRequest says, optionally, how an action was done.
type CompleteActionRequest struct {
	Note string `json:"note,omitempty"`
}

// CloseActionPlanRequest sums up, optionally, how the plan went.
type CloseActionPlanRequest struct {
	Summary string `json:"summary,omitempty"`
}

func (s *Server) actionPlanRoutes() []Route {
	plan := projections.ActionPlanView{}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/action-plans", Allow: Rule{Roles: planners}, Summary: "draft an action plan for an account",
			Request: DraftActionPlanRequest{}, Response: plan, Status: http.StatusCreated, Handler: s.draftActionPlan},
		{Method: http.MethodGet, Path: "/v1/action-plans", Summary: "action plans by id, with their actions",
			Query: PageQuery{}, Response: Page[projections.ActionPlanView]{}, Handler: listByID(s.Views.ActionPlans.List, func(v projections.ActionPlanView) string { return v.ID })},
		{Method: http.MethodGet, Path: "/v1/action-plans/{id}", AsOf: travels(events.KindActionPlan, projections.NewActionPlans, (*projections.ActionPlans).Get), Summary: "an action plan and its actions",
			Response: plan, Handler: getByID("action plan", s.Views.ActionPlans.Get)},
		{Method: http.MethodPost, Path: "/v1/action-plans/{id}/sharing", Allow: Rule{Roles: planners}, Summary: "the plan was shared with the customer",
			Request: ShareActionPlanRequest{}, Response: plan, Handler: s.shareActionPlan},
		{Method: http.MethodPost, Path: "/v1/action-plans/{id}/actions/{action_id}/completion", Allow: Rule{Roles: planners}, Summary: "an action is done (optional body: note)",
			BodyOptional: true, Request: CompleteActionRequest{}, Response: plan, Handler: s.completeAction},
		{Method: http.MethodPost, Path: "/v1/action-plans/{id}/closure", Allow: Rule{Roles: planners}, Summary: "close the plan (optional body: summary)",
			BodyOptional: true, Request: CloseActionPlanRequest{}, Response: plan, Handler: s.closeActionPlan},
	}
}

func actionPlanAggregate(id string) events.Aggregate {
	return events.Aggregate{Kind: events.KindActionPlan, ID: id}
}

func (s *Server) draftActionPlan(c echo.Context) error {
	var req DraftActionPlanRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := s.newID(c)
	cmd := events.DraftActionPlan{ActionPlanID: id, Account: req.Account, AccountID: req.AccountID, Title: req.Title, FeedbackIDs: req.FeedbackIDs}
	for _, a := range req.Actions {
		cmd.Actions = append(cmd.Actions, events.PlannedAction{ActionID: s.newID(c), Description: a.Description, OwnerID: a.OwnerID})
	}
	return s.write(c, Write{Command: cmd, Status: http.StatusCreated, View: foundView("action plan", id, s.Views.ActionPlans.Get)})
}

func (s *Server) shareActionPlan(c echo.Context) error {
	var req ShareActionPlanRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{Aggregate: actionPlanAggregate(id),
		Command: events.ShareActionPlan{ActionPlanID: id, SharedWith: req.SharedWith, Note: req.Note}, View: foundView("action plan", id, s.Views.ActionPlans.Get)})
}

func (s *Server) completeAction(c echo.Context) error {
	var req CompleteActionRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{Aggregate: actionPlanAggregate(id),
		Command: events.CompleteAction{ActionPlanID: id, ActionID: c.Param("action_id"), Note: req.Note}, View: foundView("action plan", id, s.Views.ActionPlans.Get)})
}

func (s *Server) closeActionPlan(c echo.Context) error {
	var req CloseActionPlanRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{Aggregate: actionPlanAggregate(id),
		Command: events.CloseActionPlan{ActionPlanID: id, Summary: req.Summary}, View: foundView("action plan", id, s.Views.ActionPlans.Get)})
}
