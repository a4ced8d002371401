package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// DefineKPIRequest defines a KPI: what it measures, in which unit, its
// target, which way is better, who owns it and what it covers. A KPI on a
// feedback metric is computed from the feedback in its scope.
type DefineKPIRequest struct {
	Name         string   `json:"name"`
	Metric       string   `json:"metric" doc:"nps, csat or ces: computed from the feedback each week and month; anything else (churn_rate, revenue...): measured by hand"`
	Unit         string   `json:"unit"`
	Target       *float64 `json:"target"`
	Direction    string   `json:"direction" doc:"higher_is_better or lower_is_better"`
	OwnerID      string   `json:"owner_id,omitempty"`
	Scope        string   `json:"scope,omitempty" doc:"what the KPI covers, in words"`
	JourneyID    string   `json:"journey_id,omitempty" doc:"on nps, csat or ces: only the feedback in this journey"`
	StageID      string   `json:"stage_id,omitempty" doc:"on nps, csat or ces: only the feedback at this stage (of journey_id, if given)"`
	TouchpointID string   `json:"touchpoint_id,omitempty" doc:"on nps, csat or ces: only the feedback at this touchpoint (at stage_id and in journey_id, if given)"`
	Segment      string   `json:"segment,omitempty" doc:"on nps, csat or ces: only the feedback of this segment"`
}

// ChangeKPIRequest changes a KPI's target, its owner, or both.
type ChangeKPIRequest struct {
	Target  *float64 `json:"target,omitempty"`
	OwnerID *string  `json:"owner_id,omitempty"`
}

// RecordMeasurementRequest records one value of a KPI.
type RecordMeasurementRequest struct {
	Value      *float64 `json:"value"`
	MeasuredAt string   `json:"measured_at,omitempty" format:"date-time" doc:"RFC 3339; when it was recorded if absent"`
	Note       string   `json:"note,omitempty"`
}

// RetireKPIRequest says, optionally, why a KPI is no longer tracked.
type RetireKPIRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (s *Server) kpiRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/kpis", Allow: Rule{Roles: cxTeam}, Summary: "define a KPI",
			Request: DefineKPIRequest{}, Response: projections.KPIView{}, Status: http.StatusCreated, Handler: s.defineKPI},
		{Method: http.MethodGet, Path: "/v1/kpis", Summary: "KPIs by id: current value against target (a feedback KPI's month so far), history per week and month or measurements",
			Query: PageQuery{}, Response: Page[projections.KPIView]{}, Handler: listByID(s.Views.KPIs.List, func(k projections.KPIView) string { return k.ID })},
		{Method: http.MethodGet, Path: "/v1/kpis/{id}", AsOf: travels(events.KindKPI, projections.NewKPIs, (*projections.KPIs).Get), Summary: "a KPI: current value against target (met or not, in its direction): computed from the feedback in its scope (the newest month with responses; history per ISO week and calendar month with counts) or entered by hand (the latest measurement); target changes",
			Response: projections.KPIView{}, Handler: getByID("KPI", s.Views.KPIs.Get)},
		{Method: http.MethodPatch, Path: "/v1/kpis/{id}", Allow: Rule{Roles: cxTeam}, Summary: "change a KPI's target, owner, or both at once",
			Request: ChangeKPIRequest{}, Response: projections.KPIView{}, Handler: s.changeKPI},
		{Method: http.MethodPost, Path: "/v1/kpis/{id}/measurements", Allow: Rule{Roles: cxTeam, Action: ActionRecordMeasurement}, Summary: "record a measurement of a KPI measured by hand (409 on nps, csat and ces, which are computed); answers the KPI",
			Request: RecordMeasurementRequest{}, Response: projections.KPIView{}, Status: http.StatusCreated, Handler: s.recordMeasurement},
		{Method: http.MethodDelete, Path: "/v1/kpis/{id}", Allow: Rule{Roles: cxTeam}, Summary: "retire a KPI (optional body: reason): it takes no more measurements or changes; its history stays",
			BodyOptional: true, Request: RetireKPIRequest{}, Response: projections.KPIView{}, Handler: s.retireKPI},
	}
}

func (s *Server) defineKPI(c echo.Context) error {
	var req DefineKPIRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var errs fieldErrors
	target := required(&errs, "target", req.Target)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.DefineKPI{KPIID: id, Name: req.Name, Metric: req.Metric, Unit: req.Unit, Target: target,
			Direction: req.Direction, OwnerID: req.OwnerID, Scope: req.Scope,
			Feedback: events.FeedbackScope{JourneyID: req.JourneyID, StageID: req.StageID, TouchpointID: req.TouchpointID, Segment: req.Segment}},
		Status: http.StatusCreated, View: foundView("KPI", id, s.Views.KPIs.Get),
	})
}

func (s *Server) changeKPI(c echo.Context) error {
	var req ChangeKPIRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Target == nil && req.OwnerID == nil {
		return invalid(FieldError{Field: "target", Message: "give a target, an owner_id, or both"})
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindKPI, ID: id},
		Command:   events.ChangeKPI{KPIID: id, Target: req.Target, OwnerID: req.OwnerID},
		View:      foundView("KPI", id, s.Views.KPIs.Get),
	})
}

func (s *Server) recordMeasurement(c echo.Context) error {
	var req RecordMeasurementRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	var errs fieldErrors
	cmd := events.RecordMeasurement{KPIID: id, Value: required(&errs, "value", req.Value), MeasuredAt: errs.time("measured_at", req.MeasuredAt), Note: req.Note}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	return s.write(c, Write{Aggregate: events.Aggregate{Kind: events.KindKPI, ID: id}, Command: cmd, Status: http.StatusCreated, View: foundView("KPI", id, s.Views.KPIs.Get)})
}

func (s *Server) retireKPI(c echo.Context) error {
	var req RetireKPIRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindKPI, ID: id},
		Command:   events.RetireKPI{KPIID: id, Reason: req.Reason},
		View:      foundView("KPI", id, s.Views.KPIs.Get),
	})
}
