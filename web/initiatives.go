package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// The initiative board (columns by status, and the propose form) and each
// initiative's page with its history and the forms of its life
// (initiative.go).
func (w *Web) initiativeRoutes(g *echo.Group) {
	g.GET("/initiatives", w.board)
	g.POST("/initiatives", w.propose)
	g.GET("/initiatives/:id", w.initiative)
	g.POST("/initiatives/:id/:action", w.initiativeAction)
	// A refused form's page stands at its post's address: reloading it
	// goes back to the initiative.
	g.GET("/initiatives/:id/:action", func(c echo.Context) error {
		return c.Redirect(http.StatusSeeOther, initiativePath(c.Param("id")))
	})
}

// boardPath are the statuses of an initiative that goes ahead, in the
// order of its life; the board shows them first, and every other status
// of projections.InitiativeStatuses after them, as the ways it stops.
var boardPath = []string{events.StatusProposed, events.StatusApproved, events.StatusInProgress, events.StatusCompleted}

// boardPage is the initiative board and its propose form.
type boardPage struct {
	// Ahead are the columns of initiatives going ahead, Stopped those
	// rejected, deferred or cancelled: each in life-cycle order.
	Ahead, Stopped []boardColumn
	Propose        proposeOptions
	Form           formState
}

// boardColumn is the initiatives in one status. WantsOwner says an
// initiative in it should have an owner (one can be assigned then).
type boardColumn struct {
	Status     string
	WantsOwner bool
	Cards      []projections.InitiativeCard
}

// proposeOptions are what the propose form offers to target, and, for a
// session without a person (an administrator's token), the council
// members it may act for.
type proposeOptions struct {
	Journeys []projections.JourneyView
	KPIs     []projections.KPIView
	ActFor   []projections.CouncilMember
}

// ActForField is the propose form's acting-for field, or nil.
func (p boardPage) ActForField() *actForField {
	return actForFieldOf(p.Propose.ActFor, "propose", p.Form)
}

// proposeFields are the propose form's fields, named as ProposeRequest's.
var proposeFields = []string{"title", "problem", "stage_ids", "touchpoint_ids", "kpi_ids", "person_id"}

func (w *Web) board(c echo.Context) error { return w.renderBoard(c, http.StatusOK, formState{}) }

func (w *Web) renderBoard(c echo.Context, status int, f formState) error {
	cards, err := listAll[projections.InitiativeCard](w, c, "/v1/initiatives", nil)
	if err != nil {
		return err
	}
	p := boardPage{Form: f}
	for _, st := range projections.InitiativeStatuses {
		col := boardColumn{Status: st, WantsOwner: slices.Contains(formsByStatus[st], "owner")}
		for _, card := range cards {
			if card.Status == st {
				col.Cards = append(col.Cards, card)
			}
		}
		if slices.Contains(boardPath, st) {
			p.Ahead = append(p.Ahead, col)
		} else {
			p.Stopped = append(p.Stopped, col)
		}
	}
	slices.SortStableFunc(p.Ahead, func(a, b boardColumn) int {
		return slices.Index(boardPath, a.Status) - slices.Index(boardPath, b.Status)
	})
	journeys, kpis, err := w.targetChoices(c)
	if err != nil {
		return err
	}
	p.Propose.Journeys = journeys
	p.Propose.KPIs = slices.DeleteFunc(kpis, func(k projections.KPIView) bool { return k.Retired })
	if p.Propose.ActFor, err = w.actFor(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "initiatives", title: "Initiative board", nav: "initiatives", live: true}, p)
}

// actFor are the council members a session without a person (an
// administrator's token) may act for; nil for a person's session, who acts
// as themselves.
func (w *Web) actFor(c echo.Context) ([]projections.CouncilMember, error) {
	if ss := sessionOf(c); ss == nil || ss.personID != "" {
		return nil, nil
	}
	var council projections.CouncilView
	if err := w.get(c, "/v1/council", nil, &council); err != nil {
		return nil, err
	}
	return council.Members, nil
}

// propose puts the board's propose form to the API; a refused proposal
// redraws the board with the API's problem beside the form.
func (w *Web) propose(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	req := api.ProposeRequest{Title: strings.TrimSpace(form.Get("title")), Problem: strings.TrimSpace(form.Get("problem")),
		StageIDs: form["stage_ids"], TouchpointIDs: form["touchpoint_ids"], KPIIDs: form["kpi_ids"], PersonID: form.Get("person_id")}
	var created projections.InitiativeView
	if err := w.call(c, http.MethodPost, "/v1/initiatives", nil, req, &created); err != nil {
		ae := formProblem(err)
		if ae == nil {
			return err
		}
		return w.renderBoard(c, ae.Status, formState{Name: "propose", Values: form, Err: ae, Fields: proposeFields})
	}
	return c.Redirect(http.StatusSeeOther, "/initiatives#initiative-"+created.ID)
}
