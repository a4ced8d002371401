package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// OpenAccountRequest opens an account: a customer company, or a segment of
// customers, owned by a person who has not left.
type OpenAccountRequest struct {
	Name    string `json:"name"`
	Segment string `json:"segment"`
	OwnerID string `json:"owner_id"`
	Contact string `json:"contact,omitempty" doc:"the customer's contact: a name, an e-mail address, or both"`
}

// ChangeAccountRequest changes some of an account's details; a field left
// out stays as it is, and an empty contact removes it.
type ChangeAccountRequest struct {
	Name    *string `json:"name,omitempty"`
	Segment *string `json:"segment,omitempty"`
	OwnerID *string `json:"owner_id,omitempty"`
	Contact *string `json:"contact,omitempty"`
}

// AccountQuery filters the accounts.
type AccountQuery struct {
	Segment string `query:"segment" doc:"the accounts of this segment, as written"`
	Owner   string `query:"owner" doc:"a person id: the accounts they own"`
	PageQuery
}

// accountFeedbackShown is how many of an account's feedback items, and of
// its follow-ups of each state, its detail shows; GET /v1/feedback?account=
// lists them all.
const accountFeedbackShown = 50

func (s *Server) accountRoutes() []Route {
	account := projections.AccountView{}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/accounts", Allow: Rule{Roles: cxTeam}, Summary: "open an account (name, segment, owner, optional contact)",
			Request: OpenAccountRequest{}, Response: account, Status: http.StatusCreated, Handler: s.openAccount},
		{Method: http.MethodPatch, Path: "/v1/accounts/{id}", Allow: Rule{Roles: cxTeam}, Summary: "change an account's name, segment, owner or contact",
			Request: ChangeAccountRequest{}, Response: account, Handler: s.changeAccount},
		{Method: http.MethodGet, Path: "/v1/accounts", Summary: "accounts by id, filtered, each with the counts of its feedback, follow-ups and action plans",
			Query: AccountQuery{}, Response: Page[projections.AccountView]{}, Handler: s.listAccounts},
		{Method: http.MethodGet, Path: "/v1/accounts/{id}", AsOf: withViews(travels(events.KindAccount, projections.NewAccounts, (*projections.Accounts).Get)),
			Summary:  "an account with its counts, its feedback (the first 50 by id; feedback_more says more follow, listed by GET /v1/feedback?account=), its newest 50 feedback items, the follow-ups of its feedback (open first) and its action plans",
			Response: projections.AccountDetail{}, Handler: s.getAccount},
	}
}

func (s *Server) openAccount(c echo.Context) error {
	var req OpenAccountRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.OpenAccount{AccountID: id, Name: req.Name, Segment: req.Segment, OwnerID: req.OwnerID, Contact: req.Contact},
		Status:  http.StatusCreated, View: foundView("account", id, s.Views.Accounts.Get),
	})
}

func (s *Server) changeAccount(c echo.Context) error {
	var req ChangeAccountRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req == (ChangeAccountRequest{}) {
		return invalid(FieldError{Field: "name", Message: "give at least one of name, segment, owner_id and contact"})
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindAccount, ID: id},
		Command:   events.ChangeAccount{AccountID: id, Name: req.Name, Segment: req.Segment, OwnerID: req.OwnerID, Contact: req.Contact},
		View:      foundView("account", id, s.Views.Accounts.Get),
	})
}

func (s *Server) listAccounts(c echo.Context) error {
	var errs fieldErrors
	owner := queryID(c, &errs, "owner")
	if len(errs) > 0 {
		return invalid(errs...)
	}
	segment := c.QueryParam("segment")
	var out []projections.AccountView
	for _, a := range s.Views.Accounts.List() {
		if (segment == "" || a.Segment == segment) && (owner == "" || a.OwnerID == owner) {
			out = append(out, a)
		}
	}
	page, err := paginate(c, out, func(v projections.AccountView) string { return v.ID })
	if err != nil {
		return err
	}
	return ok(c, page)
}

func (s *Server) getAccount(c echo.Context) error {
	id := c.Param("id")
	d, found, err := s.Views.AccountOf(id, accountFeedbackShown)
	if err != nil {
		return err
	}
	if !found {
		return notFound("account", id)
	}
	return ok(c, d)
}
