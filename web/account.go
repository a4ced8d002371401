package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

// accountFeedbackShown is how many of an account's feedback items its page
// shows, the newest first (of those the API's detail gives); it counts
// them all.
const accountFeedbackShown = 20

// accountPage is one account: its details, its newest feedback, the
// follow-ups of its feedback (open ones first) and its action plans, and
// the form that hands it to another owner.
type accountPage struct {
	Account projections.AccountView
	// Counts are what names the account, as the API counted it.
	Counts projections.AccountCounts
	// Feedback are the newest items.
	Feedback []accountItem
	// Open and Closed are the follow-ups of its feedback the API's detail
	// lists (up to 50 of each): the open ones oldest first, the closed ones
	// last closed first.
	Open, Closed []accountItem
	Plans        []projections.ActionPlanView
	Owners       []projections.PersonView
	Form         formState
}

// accountItem is one feedback item of the account with the touchpoint it
// was given at.
type accountItem struct {
	Item       projections.FeedbackItem
	Touchpoint projections.TouchpointView
}

// OwnerChosen is the owner the owner form shows chosen: what was sent, when
// it was refused, or the account's owner.
func (p accountPage) OwnerChosen() string {
	if p.Form.Failed("owner") {
		return p.Form.Value("owner", "owner_id")
	}
	return p.Account.OwnerID
}

func (w *Web) account(c echo.Context) error {
	return w.renderAccount(c, http.StatusOK, formState{})
}

func (w *Web) renderAccount(c echo.Context, status int, f formState) error {
	id := c.Param("id")
	var d projections.AccountDetail
	if err := w.get(c, "/v1/accounts/"+url.PathEscape(id), nil, &d); err != nil {
		return err
	}
	touchpoints, err := w.touchpointsByID(c)
	if err != nil {
		return err
	}
	at := func(it projections.FeedbackItem) accountItem {
		return accountItem{Item: it, Touchpoint: touchpointOf(touchpoints, it)}
	}
	p := accountPage{Account: d.Account, Counts: countsOf(d.Account), Plans: d.Plans, Form: f}
	for _, it := range d.Newest[:min(len(d.Newest), accountFeedbackShown)] {
		p.Feedback = append(p.Feedback, at(it))
	}
	for _, it := range d.FollowUps {
		switch {
		case it.FollowUp == nil:
		case it.FollowUp.Status == projections.FollowUpOpen:
			p.Open = append(p.Open, at(it))
		default:
			p.Closed = append(p.Closed, at(it))
		}
	}
	slices.SortStableFunc(p.Open, func(a, b accountItem) int { return a.Item.FollowUp.OpenedAt.Compare(b.Item.FollowUp.OpenedAt) })
	slices.SortStableFunc(p.Closed, func(a, b accountItem) int {
		return closedAt(b.Item.FollowUp).Compare(closedAt(a.Item.FollowUp))
	})
	if p.Owners, err = w.possibleOwners(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "account", title: d.Account.Name, nav: "accounts", live: f.Err == nil}, p)
}

// closedAt is when a follow-up was closed, or when it was opened if it was
// not.
func closedAt(f *projections.FollowUpView) time.Time {
	if f.ClosedAt != nil {
		return *f.ClosedAt
	}
	return f.OpenedAt
}

// changeAccountOwner puts the owner form to the API; a refusal redraws the
// page with the API's problem beside the form and nothing written.
func (w *Web) changeAccountOwner(c echo.Context) error {
	id := c.Param("id")
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	owner := form.Get("owner_id")
	err = w.call(c, http.MethodPatch, "/v1/accounts/"+url.PathEscape(id), nil, api.ChangeAccountRequest{OwnerID: &owner}, nil)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, accountPath(id))
	}
	ae := formProblem(err)
	if ae == nil {
		return err
	}
	return w.renderAccount(c, ae.Status, formState{Name: "owner", Values: form, Err: ae, Fields: []string{"owner_id"}})
}

// accountFuncs are the template helpers of the account pages.
var accountFuncs = template.FuncMap{
	// planStatus is an action plan's status in words.
	"planStatus": func(status string) string {
		switch status {
		case projections.PlanDrafted:
			return "drafted, not yet shared with the customer"
		case projections.PlanShared:
			return "shared with the customer"
		case projections.PlanClosed:
			return "closed"
		}
		return status
	},
}
