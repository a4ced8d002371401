package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

func (w *Web) followUpRoutes(g *echo.Group) {
	g.GET("/follow-ups", w.followUps)
	g.POST("/follow-ups/:id/closure", w.closeFollowUp)
}

var followUpsPage = page{name: "followups", title: "Follow-up queue", nav: "follow-ups", live: true}

// followUpQueue is the follow-up queue: the open follow-ups, oldest first,
// or those of one Show: due (by due time), overdue (most overdue first) or
// escalated.
type followUpQueue struct {
	Show  string
	Shows []string
	Rows  []followUpRow
	// Problem is a refused closing of a follow-up no longer in the queue
	// (closed meanwhile, or never opened), shown above it.
	Problem *apiError
}

// followUpRow is one open follow-up with the names its ids stand for and,
// after a refused closing, the API's problem and what was typed.
type followUpRow struct {
	Item       projections.FeedbackItem
	Touchpoint projections.TouchpointView
	Assignee   string
	// Account is the name of the account the item names, if any.
	Account string
	// Due is when it is due (zero: no due time); Overdue says it is past
	// it; EscalatedTo names whom it was escalated to.
	Due         time.Time
	Overdue     bool
	EscalatedTo string
	Problem     *apiError
	Action      string
	Informed    bool
}

func (w *Web) followUps(c echo.Context) error {
	q, err := w.followUpQueue(c)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, followUpsPage, q)
}

// followUpQueue reads the open follow-ups through the API, oldest opened
// first (the feedback id breaks ties), with their touchpoints and
// assignees by name.
func (w *Web) followUpQueue(c echo.Context) (followUpQueue, error) {
	show := c.QueryParam("show")
	if show != "" && !slices.Contains(queueShows, show) {
		return followUpQueue{}, echo.NewHTTPError(http.StatusBadRequest, "show must be one of "+strings.Join(queueShows, ", ")+", or absent for every open follow-up")
	}
	filter := cmp.Or(show, projections.FollowUpOpen)
	items, err := listAll[projections.FeedbackItem](w, c, "/v1/feedback", url.Values{"follow_up": {filter}})
	if err != nil {
		return followUpQueue{}, err
	}
	items = slices.DeleteFunc(items, func(it projections.FeedbackItem) bool { return it.FollowUp == nil })
	slices.SortFunc(items, func(a, b projections.FeedbackItem) int {
		if show == projections.FollowUpDue || show == projections.FollowUpOverdue {
			return cmp.Or(dueOf(a).Compare(dueOf(b)), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Or(a.FollowUp.OpenedAt.Compare(b.FollowUp.OpenedAt), cmp.Compare(a.ID, b.ID))
	})
	touchpoints, err := w.touchpointsByID(c)
	if err != nil {
		return followUpQueue{}, err
	}
	names, err := w.personNames(c)
	if err != nil {
		return followUpQueue{}, err
	}
	accounts, err := w.accountNames(c)
	if err != nil {
		return followUpQueue{}, err
	}
	q := followUpQueue{Show: show, Shows: queueShows, Rows: make([]followUpRow, 0, len(items))}
	now := w.now()
	for _, it := range items {
		row := followUpRow{Item: it, Touchpoint: touchpointOf(touchpoints, it), Assignee: names[it.FollowUp.AssigneeID], Account: accounts[it.AccountID], Due: dueOf(it)}
		row.Overdue = !row.Due.IsZero() && it.FollowUp.Status == projections.FollowUpOpen && now.After(row.Due)
		if it.FollowUp.Escalated {
			row.EscalatedTo = cmp.Or(names[it.FollowUp.EscalatedTo], "nobody: the program has no CX manager")
		}
		q.Rows = append(q.Rows, row)
	}
	return q, nil
}

// touchpointOf is the touchpoint the item was given at, from touchpoints by
// id; one not found stands for itself by its id.
func touchpointOf(touchpoints map[string]projections.TouchpointView, it projections.FeedbackItem) projections.TouchpointView {
	if tp, ok := touchpoints[it.TouchpointID]; ok {
		return tp
	}
	return projections.TouchpointView{ID: it.TouchpointID, JourneyID: it.JourneyID, Name: it.TouchpointID}
}

// closeFollowUp closes one follow-up through the API. A refusal the person
// can act on is shown beside that row's form, with what they typed; a 403
// is the roles page, like any other.
func (w *Web) closeFollowUp(c echo.Context) error {
	id := c.Param("id")
	req := api.CloseFollowUpRequest{ActionTaken: c.FormValue("action_taken"), CustomerInformed: c.FormValue("customer_informed") != ""}
	err := w.call(c, http.MethodPost, "/v1/feedback/"+url.PathEscape(id)+"/follow-up/closure", nil, req, nil)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/follow-ups")
	}
	ae := formProblem(err)
	if ae == nil {
		return err
	}
	q, qerr := w.followUpQueue(c)
	if qerr != nil {
		return qerr
	}
	q.Problem = ae
	for i := range q.Rows {
		if q.Rows[i].Item.ID == id {
			q.Rows[i].Problem, q.Rows[i].Action, q.Rows[i].Informed = ae, req.ActionTaken, req.CustomerInformed
			q.Problem = nil
		}
	}
	// The refused page stays as it is, not live: its address is the form's,
	// and a refresh would take away the problem and what was typed.
	refused := followUpsPage
	refused.live = false
	return w.render(c, ae.Status, refused, q)
}

// touchpointsByID are every journey's touchpoints, by id.
func (w *Web) touchpointsByID(c echo.Context) (map[string]projections.TouchpointView, error) {
	journeys, err := listAll[projections.JourneyView](w, c, "/v1/journeys", nil)
	if err != nil {
		return nil, err
	}
	out := map[string]projections.TouchpointView{}
	for _, j := range journeys {
		for _, s := range j.Stages {
			for _, tp := range s.Touchpoints {
				out[tp.ID] = tp
			}
		}
	}
	return out, nil
}

// personNames are the names of the program's people, by id, for pages
// that show who did or owns something.
func (w *Web) personNames(c echo.Context) (map[string]string, error) {
	people, err := listAll[projections.PersonView](w, c, "/v1/people", nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(people))
	for _, p := range people {
		out[p.ID] = p.Name
	}
	return out, nil
}

// queueShows are the queue's views besides every open follow-up.
var queueShows = []string{projections.FollowUpDue, projections.FollowUpOverdue, projections.FollowUpEscalated}

// dueOf is when an item's follow-up is due; zero when it has no due time.
func dueOf(it projections.FeedbackItem) time.Time {
	if it.FollowUp == nil || it.FollowUp.DueAt == nil {
		return time.Time{}
	}
	return *it.FollowUp.DueAt
}
