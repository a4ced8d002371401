package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// SeatRequest seats a council member for a department (the person's own
// when absent), as chair or not.
type SeatRequest struct {
	PersonID   string `json:"person_id"`
	Department string `json:"department,omitempty"`
	Chair      bool   `json:"chair"`
}

// DecisionQuery filters the decision log.
type DecisionQuery struct {
	From    string `query:"from" doc:"decisions taken at or after this time (RFC 3339)"`
	To      string `query:"to" doc:"decisions taken before this time (RFC 3339)"`
	Outcome string `query:"outcome" doc:"approved, rejected or deferred"`
	PageQuery
}

func (s *Server) councilRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/council/members", Allow: Rule{Roles: admin}, Summary: "seat a quality council member (department defaults to the person's own). " +
			"chair=true hands the chair to them: a new member is seated and takes the chair from the sitting chair in one change; " +
			"for a member already seated it records the chair change only. An already seated member with chair=false is a 409. Answers the roster",
			Request: SeatRequest{}, Response: projections.CouncilView{}, Handler: s.seatMember},
		{Method: http.MethodDelete, Path: "/v1/council/members/{person_id}", Allow: Rule{Roles: admin}, Summary: "unseat a council member; a chair who is unseated leaves the council without a chair. Answers the roster",
			Response: projections.CouncilView{}, Handler: s.unseatMember},
		{Method: http.MethodGet, Path: "/v1/council", Summary: "the council's roster and chair, with the seats and quorum a decision needs",
			Response: projections.CouncilView{}, Handler: s.getCouncil},
		{Method: http.MethodGet, Path: "/v1/council/decisions", Summary: "the decision log, oldest first: each decision with its proposal, every vote " +
			"(with the votes members changed), quorum, tally, rationale, decider, and what became of the initiative; " +
			"its outcome: the figures of the stages, touchpoints and KPIs it targeted as known at the decision (the 90 days before it, " +
			"recorded by the time the decision was), after the work started (to its completion, or to the latest event the log holds) and in the 90 days after it completed, " +
			"with counts, 95% margins and the changes larger than their margin",
			Query: DecisionQuery{}, Response: Page[projections.DecisionView]{}, Handler: s.listDecisions},
	}
}

func (s *Server) seatMember(c echo.Context) error {
	var req SeatRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.writeCouncil(c, seatOrChair{events.SeatMember{PersonID: req.PersonID, Department: req.Department, Chair: req.Chair}})
}

func (s *Server) unseatMember(c echo.Context) error {
	return s.writeCouncil(c, events.UnseatMember{PersonID: c.Param("person_id")})
}

func (s *Server) writeCouncil(c echo.Context, cmd events.Command) error {
	return s.write(c, Write{
		Aggregate: events.CouncilAggregate,
		Command:   cmd,
		View:      func() (any, error) { return s.Views.Council.Roster(), nil },
	})
}

// seatOrChair is what POST /v1/council/members means. It is decided
// against one state, so the roster cannot change between reading who is
// seated and writing. Taking the chair stays an explicit ChairChanged event,
// as the domain wants: never a seat that silently ousts the chair.
type seatOrChair struct{ seat events.SeatMember }

func (c seatOrChair) Decide(s *events.State) (events.Decision, error) {
	council := s.Council()
	_, seated := council.Seats[c.seat.PersonID]
	switch {
	case c.seat.Chair && seated:
		return events.ChangeChair{PersonID: c.seat.PersonID}.Decide(s)
	case c.seat.Chair && council.ChairID != "":
		plain := c.seat
		plain.Chair = false
		d, err := plain.Decide(s)
		if err != nil {
			return d, err
		}
		d.Events = append(d.Events, events.ChairChanged{PersonID: c.seat.PersonID, PreviousPersonID: council.ChairID})
		return d, nil
	}
	return c.seat.Decide(s)
}

func (s *Server) getCouncil(c echo.Context) error { return ok(c, s.Views.Council.Roster()) }

func (s *Server) listDecisions(c echo.Context) error {
	f, err := decisionFilter(c)
	if err != nil {
		return err
	}
	page, err := paginate(c, s.Views.Initiatives.Decisions(f), func(d projections.DecisionView) string {
		return fmt.Sprintf("%020d", d.Decision.Seq)
	})
	if err != nil {
		return err
	}
	// Only the page's decisions: each costs a few period sums. A window
	// that runs to now ends at the program's own clock, so that the read
	// is the same whenever it is made.
	if err := s.Views.Outcomes(page.Items, s.Views.Clock.End()); err != nil {
		return err
	}
	return ok(c, page)
}

// decisionFilter reads the decision log's filters, naming every bad one.
func decisionFilter(c echo.Context) (projections.DecisionFilter, error) {
	var (
		f    projections.DecisionFilter
		errs []FieldError
	)
	f.From, errs = queryTime(c, "from", errs)
	f.To, errs = queryTime(c, "to", errs)
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs = append(errs, FieldError{Field: "to", Message: "must be after from"})
	}
	f.Outcome, errs = queryEnum(c, "outcome", events.Outcomes, errs)
	if len(errs) > 0 {
		return f, invalid(errs...)
	}
	return f, nil
}
