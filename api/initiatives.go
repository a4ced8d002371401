package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// actingNote is said of every route where a council member acts.
const actingNote = " The member is the caller's person; an administrator's token (no person) names the member in person_id" +
	" and acts for them (the event's actor stays the token). A person's token naming someone else is a 403."

// ProposeRequest puts an initiative before the council: the problem (or big
// rock), and the stages, touchpoints and KPIs it targets.
type ProposeRequest struct {
	Title         string   `json:"title"`
	Problem       string   `json:"problem"`
	StageIDs      []string `json:"stage_ids,omitempty"`
	TouchpointIDs []string `json:"touchpoint_ids,omitempty"`
	KPIIDs        []string `json:"kpi_ids,omitempty"`
	PersonID      string   `json:"person_id,omitempty"`
}

// VoteRequest casts or changes a member's vote.
type VoteRequest struct {
	Vote     string `json:"vote"`
	Comment  string `json:"comment,omitempty"`
	PersonID string `json:"person_id,omitempty"`
}

// DecideRequest records the council's decision.
type DecideRequest struct {
	Outcome   string `json:"outcome"`
	Rationale string `json:"rationale,omitempty"`
	PersonID  string `json:"person_id,omitempty"`
}

// ReopeningRequest brings a deferred initiative back before the council,
// saying why.
type ReopeningRequest struct {
	Rationale string `json:"rationale"`
	PersonID  string `json:"person_id,omitempty"`
}

// OwnerRequest assigns a business-unit expert, a crew, or both as owners.
type OwnerRequest struct {
	PersonID string `json:"person_id,omitempty"`
	CrewID   string `json:"crew_id,omitempty"`
}

// ProgressRequest reports progress, with how far along the work is when
// the reporter can say (0 to 100).
type ProgressRequest struct {
	Note            string `json:"note"`
	PercentComplete *int   `json:"percent_complete,omitempty"`
}

// CompletionRequest says what came of the work.
type CompletionRequest struct {
	Outcome string `json:"outcome"`
}

// CancellationRequest says why the initiative is dropped.
type CancellationRequest struct {
	Reason string `json:"reason"`
}

// InitiativeQuery filters the board.
type InitiativeQuery struct {
	Status string `query:"status" doc:"proposed, approved, rejected, deferred, in_progress, completed or cancelled"`
	Owner  string `query:"owner" doc:"the id of the owning person or crew"`
	PageQuery
}

func (s *Server) initiativeRoutes() []Route {
	in := projections.InitiativeView{}
	post := func(path string, allow Rule, summary string, req any, h echo.HandlerFunc) Route {
		return Route{Method: http.MethodPost, Path: path, Allow: allow, Summary: summary, Request: req, Response: in, Handler: h}
	}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/initiatives", Allow: Rule{Roles: council}, Summary: "a seated council member proposes an initiative." + actingNote,
			Request: ProposeRequest{}, Response: in, Status: http.StatusCreated, Handler: s.propose},
		post("/v1/initiatives/{id}/votes", Rule{Roles: council}, "a seated council member casts or changes their vote before the decision."+actingNote, VoteRequest{}, s.vote),
		post("/v1/initiatives/{id}/decision", Rule{Roles: council}, "a seated council member records the decision; without a quorum (more than half the seats voted) "+
			"only the chair may, with a rationale."+actingNote, DecideRequest{}, s.decide),
		post("/v1/initiatives/{id}/reopening", Rule{Roles: council}, "a seated council member brings a deferred initiative back to proposed, saying why; "+
			"the earlier votes and decision stay in its earlier_rounds and the decision log, and votes are cast afresh."+actingNote,
			ReopeningRequest{}, s.reopen),
		{Method: http.MethodPut, Path: "/v1/initiatives/{id}/owner", Allow: Rule{Roles: stewards}, Summary: "assign a business-unit expert, a crew, or both as owners of an approved initiative",
			Request: OwnerRequest{}, Response: in, Handler: s.assignOwner},
		post("/v1/initiatives/{id}/start", Rule{Roles: stewards, OwnerOf: "id"}, "start work on an approved initiative", nil, s.start),
		post("/v1/initiatives/{id}/progress", Rule{Roles: managers, OwnerOf: "id"}, "report progress on work in progress", ProgressRequest{}, s.reportProgress),
		post("/v1/initiatives/{id}/completion", Rule{Roles: stewards, OwnerOf: "id"}, "complete work in progress, saying what came of it", CompletionRequest{}, s.complete),
		post("/v1/initiatives/{id}/cancellation", Rule{Roles: council}, "cancel an initiative that is not over, saying why", CancellationRequest{}, s.cancel),
		{Method: http.MethodGet, Path: "/v1/initiatives", Summary: "the initiative board, ordered by id",
			Query: InitiativeQuery{}, Response: Page[projections.InitiativeCard]{}, Handler: s.listInitiatives},
		{Method: http.MethodGet, Path: "/v1/initiatives/{id}", AsOf: travels(events.KindInitiative, s.freshInitiatives, (*projections.Initiatives).Get), Summary: "an initiative with its votes, decision, owner and progress",
			Response: in, Handler: getByID("initiative", s.Views.Initiatives.Get)},
	}
}

func (s *Server) propose(c echo.Context) error {
	var req ProposeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	by, err := actingPerson(c, req.PersonID)
	if err != nil {
		return err
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.ProposeInitiative{InitiativeID: id, Title: req.Title, Problem: req.Problem, ProposedBy: by,
			StageIDs: req.StageIDs, TouchpointIDs: req.TouchpointIDs, KPIIDs: req.KPIIDs},
		Status: http.StatusCreated,
		View:   foundView("initiative", id, s.Views.Initiatives.Get),
	})
}

func (s *Server) vote(c echo.Context) error {
	var req VoteRequest
	return s.writeAsMember(c, &req, &req.PersonID, func(id, by string) events.Command {
		return events.CastVote{InitiativeID: id, PersonID: by, Vote: req.Vote, Comment: req.Comment}
	})
}

func (s *Server) decide(c echo.Context) error {
	var req DecideRequest
	return s.writeAsMember(c, &req, &req.PersonID, func(id, by string) events.Command {
		return events.DecideInitiative{InitiativeID: id, DecidedBy: by, Outcome: req.Outcome, Rationale: req.Rationale}
	})
}

func (s *Server) reopen(c echo.Context) error {
	var req ReopeningRequest
	return s.writeAsMember(c, &req, &req.PersonID, func(id, by string) events.Command {
		return events.ReopenInitiative{InitiativeID: id, ReopenedBy: by, Rationale: req.Rationale}
	})
}

// writeAsMember binds req, finds the council member the caller acts as
// from the person_id it names (named, filled by the binding), and runs the
// command made for them on the initiative of the path.
func (s *Server) writeAsMember(c echo.Context, req any, named *string, cmd func(id, by string) events.Command) error {
	if err := bind(c, req); err != nil {
		return err
	}
	by, err := actingPerson(c, *named)
	if err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeInitiative(c, id, cmd(id, by))
}

func (s *Server) assignOwner(c echo.Context) error {
	var req OwnerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeInitiative(c, id, events.AssignOwner{InitiativeID: id, PersonID: req.PersonID, CrewID: req.CrewID})
}

func (s *Server) start(c echo.Context) error {
	id := c.Param("id")
	return s.writeInitiative(c, id, events.StartInitiative{InitiativeID: id})
}

func (s *Server) reportProgress(c echo.Context) error {
	var req ProgressRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeInitiative(c, id, events.ReportProgress{InitiativeID: id, Note: req.Note, PercentComplete: req.PercentComplete})
}

func (s *Server) complete(c echo.Context) error {
	var req CompletionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeInitiative(c, id, events.CompleteInitiative{InitiativeID: id, Outcome: req.Outcome})
}

func (s *Server) cancel(c echo.Context) error {
	var req CancellationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeInitiative(c, id, events.CancelInitiative{InitiativeID: id, Reason: req.Reason})
}

func (s *Server) writeInitiative(c echo.Context, id string, cmd events.Command) error {
	return s.write(c, Write{Aggregate: events.Aggregate{Kind: events.KindInitiative, ID: id}, Command: cmd, View: foundView("initiative", id, s.Views.Initiatives.Get)})
}

func (s *Server) listInitiatives(c echo.Context) error {
	status, errs := queryEnum(c, "status", projections.InitiativeStatuses, nil)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	cards := s.Views.Initiatives.List(status, c.QueryParam("owner"))
	page, err := paginate(c, cards, func(v projections.InitiativeCard) string { return v.ID })
	if err != nil {
		return err
	}
	return ok(c, page)
}
