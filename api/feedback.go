package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"cxtracker/events"
	"cxtracker/projections"
)

// LogFeedbackRequest is one feedback item: on POST /v1/feedback the body,
// on the import one line of it.
type LogFeedbackRequest struct {
	TouchpointID string `json:"touchpoint_id"`
	Metric       string `json:"metric" doc:"nps (0-10), csat (1-5) or ces (1-7)"`
	Score        *int   `json:"score"`
	Comment      string `json:"comment,omitempty"`
	Segment      string `json:"segment,omitempty"`
	Source       string `json:"source" doc:"a lower-case word such as survey, call_centre or ambassador"`
	OccurredAt   string `json:"occurred_at,omitempty" format:"date-time" doc:"RFC 3339; when it was logged if absent"`
	AccountID    string `json:"account_id,omitempty" doc:"the account the customer belongs to; one never opened is a 422 naming account_id"`
}

// OpenFollowUpRequest opens the follow-up of a feedback item.
type OpenFollowUpRequest struct {
	AssigneeID string `json:"assignee_id,omitempty"`
	Note       string `json:"note,omitempty"`
}

// CloseFollowUpRequest closes a follow-up: what was done, and whether the
// customer was told.
type CloseFollowUpRequest struct {
	ActionTaken      string `json:"action_taken"`
	CustomerInformed bool   `json:"customer_informed"`
}

// FeedbackQuery documents the filters of GET /v1/feedback.
type FeedbackQuery struct {
	PageQuery
	Journey    string `query:"journey" doc:"a journey id"`
	Stage      string `query:"stage" doc:"a stage id: the items logged at its touchpoints"`
	Touchpoint string `query:"touchpoint" doc:"a touchpoint id"`
	Metric     string `query:"metric" doc:"nps, csat or ces"`
	From       string `query:"from" doc:"RFC 3339; occurred_at at or after"`
	To         string `query:"to" doc:"RFC 3339; occurred_at before"`
	FollowUp   string `query:"follow_up" doc:"none, open, closed; due (open, due time not yet passed), overdue (open, past its due time) or escalated"`
	Account    string `query:"account" doc:"an account id: the items that name it"`
}

func (s *Server) feedbackRoutes() []Route {
	item := projections.FeedbackItem{}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/feedback", Allow: Rule{Roles: feedbackLoggers, Action: ActionLogFeedback}, Summary: "log one feedback item",
			Request: LogFeedbackRequest{}, Response: item, Status: http.StatusCreated, Handler: s.logFeedback},
		{Method: http.MethodPost, Path: "/v1/feedback/import", Allow: Rule{Roles: feedbackLoggers, Action: ActionLogFeedback}, Summary: "log many: an application/x-ndjson body, one item a line; each line is checked on its own, the good ones are logged in large atomic appends, and the answer counts them and lists each bad line's errors",
			Request: LogFeedbackRequest{}, ContentType: ndjson, BodyLimit: s.MaxImportBody, Response: ImportResult{}, Handler: s.importFeedback},
		{Method: http.MethodGet, Path: "/v1/feedback", Summary: "feedback items by id, filtered",
			Query: FeedbackQuery{}, Response: Page[projections.FeedbackItem]{}, Handler: s.listFeedback},
		{Method: http.MethodGet, Path: "/v1/feedback/trends", Summary: "count, NPS, CSAT and CES per week or month (month by default) per stage (by default) or touchpoint",
			Query: TrendsQuery{}, Response: TrendsView{}, Handler: s.feedbackTrends},
		{Method: http.MethodPost, Path: "/v1/feedback/{id}/follow-up", Allow: Rule{Roles: followUps}, Summary: "open a follow-up of a feedback item; answers the item",
			BodyOptional: true, Request: OpenFollowUpRequest{}, Response: item, Status: http.StatusCreated, Handler: s.openFollowUp},
		{Method: http.MethodPost, Path: "/v1/feedback/{id}/follow-up/closure", Allow: Rule{Roles: followUps}, Summary: "close a follow-up (what was done, whether the customer was told); answers the item",
			Request: CloseFollowUpRequest{}, Response: item, Handler: s.closeFollowUp},
	}
}

// command is the request as a command with a new feedback id, or the
// request's own field errors; the command's rules check the rest.
func (r LogFeedbackRequest) command() (events.LogFeedback, []FieldError) {
	var errs fieldErrors
	return events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: r.TouchpointID, Metric: r.Metric,
		Score: required(&errs, "score", r.Score), Comment: r.Comment, Segment: r.Segment, Source: r.Source,
		OccurredAt: errs.time("occurred_at", r.OccurredAt), AccountID: r.AccountID}, errs
}

func (s *Server) logFeedback(c echo.Context) error {
	var req LogFeedbackRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	cmd, errs := req.command()
	if len(errs) > 0 {
		return invalid(errs...)
	}
	cmd.FeedbackID = s.newID(c)
	return s.write(c, Write{Command: cmd, Status: http.StatusCreated, View: foundView("feedback", cmd.FeedbackID, s.Views.Feedback.Item)})
}

func (s *Server) openFollowUp(c echo.Context) error {
	var req OpenFollowUpRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindFollowUp, ID: id},
		Command:   events.OpenFollowUp{FeedbackID: id, AssigneeID: req.AssigneeID, Note: req.Note},
		Status:    http.StatusCreated, View: foundView("feedback", id, s.Views.Feedback.Item),
	})
}

func (s *Server) closeFollowUp(c echo.Context) error {
	var req CloseFollowUpRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindFollowUp, ID: id},
		Command:   events.CloseFollowUp{FeedbackID: id, ActionTaken: req.ActionTaken, CustomerInformed: req.CustomerInformed},
		View:      foundView("feedback", id, s.Views.Feedback.Item),
	})
}

func (s *Server) listFeedback(c echo.Context) error {
	var errs fieldErrors
	f := projections.FeedbackFilter{StageID: queryID(c, &errs, "stage"), TouchpointID: queryID(c, &errs, "touchpoint"),
		FollowUp: queryWord(c, &errs, "follow_up", projections.FollowUpNone, projections.FollowUpOpen, projections.FollowUpClosed,
			projections.FollowUpDue, projections.FollowUpOverdue, projections.FollowUpEscalated),
		AccountID: queryID(c, &errs, "account")}
	f.Now = s.Clock.Now()
	f.JourneyID, f.Metric, f.From, f.To = feedbackScope(c, &errs)
	limit, after, err := pageParams(c)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	items, more, err := s.Views.Feedback.Items(f, after, limit)
	if err != nil {
		return err
	}
	page := Page[projections.FeedbackItem]{Items: items}
	if more {
		page.NextCursor = cursorAfter(items[len(items)-1].ID)
	}
	return ok(c, page)
}

// feedbackScope reads the filters feedback lists and trends share:
// journey, metric, and the occurred_at bounds from (included) and to
// (excluded), adding what is wrong with them to errs.
func feedbackScope(c echo.Context, errs *fieldErrors) (journeyID, metric string, from, to time.Time) {
	journeyID, metric = queryID(c, errs, "journey"), queryWord(c, errs, "metric", events.Metrics...)
	from, to = queryRange(c, errs)
	return journeyID, metric, from, to
}

// queryRange reads from and to, each RFC 3339 or absent, from the query;
// to must be after from when both are given.
func queryRange(c echo.Context, errs *fieldErrors) (from, to time.Time) {
	from, to = errs.time("from", c.QueryParam("from")), errs.time("to", c.QueryParam("to"))
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		errs.add("to", "must be after from")
	}
	return from, to
}

// queryID reads the id of a journey, stage or touchpoint, named field,
// from the query: "" when absent, else an id, or an error added to errs.
func queryID(c echo.Context, errs *fieldErrors, field string) string {
	v := c.QueryParam(field)
	if v != "" {
		if _, err := ulid.ParseStrict(v); err != nil {
			errs.add(field, "is not a "+field+" id")
		}
	}
	return v
}

// queryWord reads an enumeration from the query: "" when absent, else one
// of allowed, or an error added to errs.
func queryWord(c echo.Context, errs *fieldErrors, field string, allowed ...string) string {
	v := c.QueryParam(field)
	if v != "" && !slices.Contains(allowed, v) {
		errs.add(field, "must be one of "+strings.Join(allowed, ", "))
	}
	return v
}

// fieldErrors gathers what is wrong with a request's own fields, the
// checks a command's rules cannot make: a value missing rather than zero,
// a time that does not parse, a query parameter.
type fieldErrors []FieldError

func (e *fieldErrors) add(field, message string) {
	*e = append(*e, FieldError{Field: field, Message: message})
}

// time reads an RFC 3339 time given in field; "" is the zero time.
func (e *fieldErrors) time(field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		e.add(field, "must be an RFC 3339 time such as 2025-03-14T09:30:00Z")
	}
	return t
}

// required is the value v points to, or zero with an error if the request
// left it out.
func required[T any](e *fieldErrors, field string, v *T) T {
	if v == nil {
		e.add(field, "is required")
		var zero T
		return zero
	}
	return *v
}
