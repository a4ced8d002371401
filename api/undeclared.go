package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// Nothing a client sends is ignored. A query parameter its route does not
// take (or one it takes, given twice), or a body sent to a write that
// takes none, answers 400 naming it,
// rather than an answer as if it had not been sent: a misspelt filter
// (touchpoint_id for touchpoint) would otherwise list everything, and an
// occurred_at in the body of a DELETE would date its event now.

// maxUndeclaredNamed is how many undeclared parameters a refusal lists.
const maxUndeclaredNamed = 10

// declaredQuery refuses a request whose query holds a parameter its route
// does not take. takes are the query parameters the OpenAPI document gives
// the route (openAPI.queryNames), so that what the server accepts and what
// the document says cannot disagree.
func declaredQuery(r Route, takes []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().URL.RawQuery == "" {
				return next(c)
			}
			var unknown, repeated []string
			for name, values := range c.QueryParams() {
				switch {
				case !slices.Contains(takes, name):
					unknown = append(unknown, name)
				case len(values) > 1:
					repeated = append(repeated, name)
				}
			}
			switch {
			case len(unknown) > 0:
				return undeclared(r, takes, unknown)
			case len(repeated) > 0:
				// Each takes one value: the others would be ignored.
				name := slices.Min(repeated)
				return &Problem{Status: http.StatusBadRequest, Title: "Bad request",
					Detail: fmt.Sprintf("the query parameter %s is given %d times; give it once", name, len(c.QueryParams()[name])),
					Errors: []FieldError{{Field: name, Message: "takes one value"}}}
			}
			return next(c)
		}
	}
}

// undeclared is the 400 for the query parameters unknown, which r does not
// take: it names them, says why for the names a client may fairly expect
// (notTaken), and lists those the route takes.
func undeclared(r Route, takes, unknown []string) *Problem {
	slices.Sort(unknown)
	takesText := "no query parameters"
	if len(takes) > 0 {
		takesText = "only the query parameters " + strings.Join(takes, ", ")
	}
	p := &Problem{Status: http.StatusBadRequest, Title: "Bad request"}
	for i, name := range unknown {
		if i == maxUndeclaredNamed {
			break
		}
		msg := "is not a query parameter of " + r.Method + " " + r.Path
		if why := notTaken(r, name); why != "" {
			msg += ": " + why
		}
		p.Errors = append(p.Errors, FieldError{Field: clipField(name), Message: msg})
	}
	names, noun := namesOf(p.Errors), "the query parameter %s is not one"
	if len(names) > 1 {
		noun = "the query parameters %s are not ones"
	}
	p.Detail = fmt.Sprintf(noun+" this route takes; %s %s takes %s", strings.Join(names, ", "), r.Method, r.Path, takesText)
	return p
}

func namesOf(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field
	}
	return out
}

// notTaken says why r does not take the query parameter name, for the
// names a client may fairly expect; "" for any other.
func notTaken(r Route, name string) string {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	switch {
	case (name == "as_of" || name == "known_at") && travelsOwn(r):
		return "as_of does not apply to the council report: its period is from and to (business time), and known_at cuts it by recorded time"
	case (name == "as_of" || name == "known_at") && !write:
		return "as_of and known_at do not apply to " + r.Path + ": " + noTravel(r)
	case name == events.FieldOccurredAt && write && r.Undated:
		return "this write records no event, so it has no business time"
	case name == events.FieldOccurredAt && write && !takesNoBody(r):
		return "this write has a body: give occurred_at in it"
	}
	return ""
}

// takesNoBody says the route is a write sent without a body (a DELETE, a
// bare POST): its business time is the query parameter occurred_at.
func takesNoBody(r Route) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead && r.Request == nil && r.ContentType == ""
}

// noBody refuses a body sent to a write that takes none (takesNoBody):
// what it held would otherwise be ignored. An occurred_at in it is the
// likely mistake, and the refusal names the query parameter to use
// instead.
func noBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength == 0 {
			return next(c)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return decodeProblem(err)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			req.Body = http.NoBody
			return next(c)
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) == nil {
			if _, dated := fields[events.FieldOccurredAt]; dated {
				return &Problem{Status: http.StatusBadRequest, Title: "Bad request",
					Detail: "this write takes no body: give occurred_at as the query parameter, as in ?occurred_at=2025-03-14T09:30:00Z",
					Errors: []FieldError{{Field: events.FieldOccurredAt, Message: "belongs in the query of a write without a body"}}}
			}
		}
		return badRequest("this write takes no body; send it without one")
	}
}
