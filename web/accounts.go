package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

// The accounts: the list, each account with its feedback, open follow-ups
// and plans counted (by the API, in the one list call) and a choice of
// segment, with the form that opens an
// account; and each account's page (account.go). Both travel to a past
// day like the journey map.
func (w *Web) accountRoutes(g *echo.Group) {
	w.travel(g, "/accounts", w.accounts)
	g.POST("/accounts", w.openAccount)
	w.travel(g, "/accounts/:id", w.account)
	g.POST("/accounts/:id/owner", w.changeAccountOwner)
	// A refused form's page stands at its post's address: reloading it
	// goes back to the account.
	g.GET("/accounts/:id/owner", func(c echo.Context) error {
		return c.Redirect(http.StatusSeeOther, accountPath(c.Param("id")))
	})
}

func accountPath(id string) string { return "/accounts/" + url.PathEscape(id) }

// openAccountFields are the open form's fields, named as
// api.OpenAccountRequest names them.
var openAccountFields = []string{"name", "segment", "owner_id", "contact"}

// accountList is the list of accounts of one segment (or all), and the
// form that opens one.
type accountList struct {
	Rows []accountRow
	// Segment is the segment shown, "" for all; Segments are the choices.
	Segment  string
	Segments []choice
	// SegmentNames are every segment written so far, offered when opening.
	SegmentNames []string
	Owners       []projections.PersonView
	Form         formState
}

// accountRow is one account with what names it, as the API counted it.
type accountRow struct {
	Account projections.AccountView
	Counts  projections.AccountCounts
}

func (w *Web) accounts(c echo.Context) error {
	return w.renderAccounts(c, http.StatusOK, formState{})
}

func (w *Web) renderAccounts(c echo.Context, status int, f formState) error {
	all, err := listAll[projections.AccountView](w, c, "/v1/accounts", nil)
	if err != nil {
		return err
	}
	p := accountList{Segment: c.QueryParam("segment"), Form: f}
	p.Segments = append(p.Segments, choice{Label: "All segments", Href: travelOf(c).Link("/accounts"), Current: p.Segment == ""})
	for _, a := range all {
		if !slices.Contains(p.SegmentNames, a.Segment) {
			p.SegmentNames = append(p.SegmentNames, a.Segment)
		}
	}
	slices.Sort(p.SegmentNames)
	for _, s := range p.SegmentNames {
		p.Segments = append(p.Segments, choice{Label: s, Href: travelOf(c).Link("/accounts?segment=" + url.QueryEscape(s)), Current: s == p.Segment})
	}
	shown := all
	if p.Segment != "" {
		if shown, err = listAll[projections.AccountView](w, c, "/v1/accounts", url.Values{"segment": {p.Segment}}); err != nil {
			return err
		}
	}
	for _, a := range shown {
		p.Rows = append(p.Rows, accountRow{Account: a, Counts: countsOf(a)})
	}
	slices.SortStableFunc(p.Rows, func(a, b accountRow) int {
		return strings.Compare(strings.ToLower(a.Account.Name), strings.ToLower(b.Account.Name))
	})
	if p.Owners, err = w.possibleOwners(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "accounts", title: "Accounts", nav: "accounts", live: f.Err == nil}, p)
}

// countsOf is what the API counted of the account: none when it did not
// say.
func countsOf(a projections.AccountView) projections.AccountCounts {
	if a.Counts == nil {
		return projections.AccountCounts{}
	}
	return *a.Counts
}

// possibleOwners are the people who may own an account: those who have not
// left, by name.
func (w *Web) possibleOwners(c echo.Context) ([]projections.PersonView, error) {
	people, err := listAll[projections.PersonView](w, c, "/v1/people", nil)
	if err != nil {
		return nil, err
	}
	people = slices.DeleteFunc(people, func(p projections.PersonView) bool { return p.Left })
	slices.SortStableFunc(people, func(a, b projections.PersonView) int { return strings.Compare(a.Name, b.Name) })
	return people, nil
}

// accountNames are the accounts' names by id, for the pages that link to
// the account a feedback item names.
func (w *Web) accountNames(c echo.Context) (map[string]string, error) {
	all, err := listAll[projections.AccountView](w, c, "/v1/accounts", nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for _, a := range all {
		out[a.ID] = a.Name
	}
	return out, nil
}

// openAccount puts the list's open form to the API: a new account opens
// its page; a refusal redraws the list with the API's problem beside the
// form and what was typed.
func (w *Web) openAccount(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	req := api.OpenAccountRequest{Name: text(form, "name"), Segment: text(form, "segment"), OwnerID: form.Get("owner_id"), Contact: text(form, "contact")}
	var opened projections.AccountView
	if err := w.call(c, http.MethodPost, "/v1/accounts", nil, req, &opened); err != nil {
		ae := formProblem(err)
		if ae == nil {
			return err
		}
		return w.renderAccounts(c, ae.Status, formState{Name: "open", Values: form, Err: ae, Fields: openAccountFields})
	}
	return c.Redirect(http.StatusSeeOther, accountPath(opened.ID))
}
