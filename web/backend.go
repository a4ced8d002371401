package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
)

// apiError is an answer of the API that was not a success: its status and
// problem document, which a page shows beside the form that caused it.
type apiError struct {
	Status  int
	Problem api.Problem
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Problem.Title, e.Problem.Detail)
}

// FieldMessage is the problem's message for one field, or "".
func (e *apiError) FieldMessage(field string) string {
	for _, f := range e.Problem.Errors {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// recorder keeps the API's answer to one in-process request.
type recorder struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// call sends one request to the API in this process as the session's
// caller, from the browser's address (so rate limits count the browser),
// and decodes a JSON success into out (when out is not nil). Any other
// answer is an *apiError.
func (w *Web) call(c echo.Context, method, path string, query url.Values, body any, out any) error {
	rec, err := w.raw(c, method, path, query, body, nil)
	if err != nil {
		return err
	}
	if out == nil || rec.body.Len() == 0 {
		return nil
	}
	if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
		return fmt.Errorf("decode the answer of %s %s: %w", method, path, err)
	}
	return nil
}

// get reads path (with query) into out.
func (w *Web) get(c echo.Context, path string, query url.Values, out any) error {
	return w.call(c, http.MethodGet, path, query, nil, out)
}

// raw sends the request and answers the recorded success, or an *apiError.
// On a page that travels to a past day (see timeTravel) every read asks
// for it.
func (w *Web) raw(c echo.Context, method, path string, query url.Values, body any, header http.Header) (*recorder, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	if t := travelOf(c); t != nil && method == http.MethodGet {
		q := url.Values{"as_of": {t.asOf()}}
		for k, v := range query {
			q[k] = v
		}
		query = q
	}
	u := path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(c.Request().Context(), method, u, rd)
	if err != nil {
		return nil, err
	}
	req.RemoteAddr = c.Request().RemoteAddr
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if ss := sessionOf(c); ss != nil {
		req = ss.request(req)
	}
	rec := &recorder{}
	w.api.Handler().ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 300 {
		e := &apiError{Status: rec.status}
		if json.Unmarshal(rec.body.Bytes(), &e.Problem) != nil || e.Problem.Title == "" {
			e.Problem.Title = http.StatusText(rec.status)
		}
		return nil, e
	}
	return rec, nil
}

// listAll reads every page of a list at path.
func listAll[T any](w *Web, c echo.Context, path string, query url.Values) ([]T, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", "500")
	var out []T
	for {
		var p api.Page[T]
		if err := w.get(c, path, q, &p); err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out, nil
		}
		q.Set("cursor", p.NextCursor)
	}
}

// formProblem is err when it is a refusal of the API a form shows beside
// itself (a request or a rule the person can put right), and nil for any
// other error, which becomes a page of its own: 401 ends the session, 403
// is the roles page, 429 and 5xx are not the form's fault.
func formProblem(err error) *apiError {
	var ae *apiError
	if !errors.As(err, &ae) {
		return nil
	}
	switch ae.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity:
		return ae
	}
	return nil
}
