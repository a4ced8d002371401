package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
)

// initiativeAction is one form of an initiative's page and the API write
// it makes: the method and path after /v1/initiatives/{id}, the form's
// fields (named as the API's request names them), and the request made
// from what was typed.
type initiativeAction struct {
	method, path string
	fields       []string
	request      func(f url.Values) (any, error)
}

// text is a form field as typed, without the spaces around it.
func text(f url.Values, field string) string { return strings.TrimSpace(f.Get(field)) }

// initiativeActions are the forms of an initiative's page by the last
// segment of their web route, POST /initiatives/{id}/<name>.
var initiativeActions = map[string]initiativeAction{
	"vote": {http.MethodPost, "/votes", []string{"vote", "comment", "person_id"}, func(f url.Values) (any, error) {
		return api.VoteRequest{Vote: f.Get("vote"), Comment: text(f, "comment"), PersonID: f.Get("person_id")}, nil
	}},
	"decide": {http.MethodPost, "/decision", []string{"outcome", "rationale", "person_id"}, func(f url.Values) (any, error) {
		return api.DecideRequest{Outcome: f.Get("outcome"), Rationale: text(f, "rationale"), PersonID: f.Get("person_id")}, nil
	}},
	"reopen": {http.MethodPost, "/reopening", []string{"rationale", "person_id"}, func(f url.Values) (any, error) {
		return api.ReopeningRequest{Rationale: text(f, "rationale"), PersonID: f.Get("person_id")}, nil
	}},
	"owner": {http.MethodPut, "/owner", []string{"person_id", "crew_id"}, func(f url.Values) (any, error) {
		return api.OwnerRequest{PersonID: f.Get("person_id"), CrewID: f.Get("crew_id")}, nil
	}},
	"start": {http.MethodPost, "/start", nil, func(url.Values) (any, error) { return nil, nil }},
	"progress": {http.MethodPost, "/progress", []string{"note", "percent_complete"}, func(f url.Values) (any, error) {
		req := api.ProgressRequest{Note: text(f, "note")}
		if v := text(f, "percent_complete"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, &apiError{Status: http.StatusUnprocessableEntity, Problem: api.Problem{Status: http.StatusUnprocessableEntity,
					Title: "Unprocessable content", Detail: "the request has invalid values",
					Errors: []api.FieldError{{Field: "percent_complete", Message: "must be a whole number from 0 to 100, or empty"}}}}
			}
			req.PercentComplete = &n
		}
		return req, nil
	}},
	"complete": {http.MethodPost, "/completion", []string{"outcome"}, func(f url.Values) (any, error) {
		return api.CompletionRequest{Outcome: text(f, "outcome")}, nil
	}},
	"cancel": {http.MethodPost, "/cancellation", []string{"reason"}, func(f url.Values) (any, error) {
		return api.CancellationRequest{Reason: text(f, "reason")}, nil
	}},
}

// initiativeAction sends one form of an initiative's page to the API, on
// the condition that the initiative is still at the version the page was
// drawn at (If-Match). A success goes back to the page; a refusal redraws
// it with the API's problem beside the form and nothing written; a 403 is
// the roles page.
func (w *Web) initiativeAction(c echo.Context) error {
	id := c.Param("id")
	act, ok := initiativeActions[c.Param("action")]
	if !ok {
		return echo.ErrNotFound
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	req, err := act.request(form)
	if err == nil {
		var header http.Header
		if v := form.Get("version"); v != "" {
			header = http.Header{"If-Match": {strconv.Quote(v)}}
		}
		_, err = w.raw(c, act.method, "/v1/initiatives/"+url.PathEscape(id)+act.path, nil, req, header)
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, initiativePath(id))
	}
	ae := formProblem(err)
	if ae == nil {
		return err
	}
	return w.renderInitiative(c, ae.Status, formState{Name: c.Param("action"), Values: form, Err: ae, Fields: act.fields})
}
