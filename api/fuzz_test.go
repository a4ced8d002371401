package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// requestTypes are the body types of every route that takes one.
func requestTypes() []reflect.Type {
	s := &Server{Deps: Deps{Views: projections.NewViews()}}
	var out []reflect.Type
	for _, r := range s.allRoutes() {
		if r.Request != nil && r.ContentType == "" {
			out = append(out, reflect.TypeOf(r.Request))
		}
	}
	return out
}

// FuzzRequestBodies feeds any bytes to the decoder of every request type:
// each must be decoded, or refused as a 400, 413, 415 or 422 problem; no
// input may panic or be answered 500.
func FuzzRequestBodies(f *testing.F) {
	types := requestTypes()
	for _, seed := range []string{`{}`, `{"name":"Ana","email":"ana@example.com","department":"Claims"}`, `{"score":11}`,
		`{"vote":"approve","comment":"\u00e9"}`, `[]`, `null`, `{"a":1}{"b":2}`, `{"target":1e400}`, `{"position":-1}`, `"x"`} {
		f.Add(uint8(0), []byte(seed))
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		typ := types[int(which)%len(types)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		rec := httptest.NewRecorder()
		req.Body = http.MaxBytesReader(rec, req.Body, 1<<16)
		err := bind(e.NewContext(req, rec), reflect.New(typ).Interface())
		if err == nil {
			return
		}
		var p *Problem
		if !errors.As(err, &p) {
			t.Fatalf("%s: %q gave a bare error %v, which would answer 500", typ, body, err)
		}
		switch p.Status {
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("%s: %q answered %d", typ, body, p.Status)
		}
		if p.Title == "" {
			t.Fatalf("%s: %q answered a problem with no title", typ, body)
		}
	})
}

// FuzzImportLine feeds any line to the NDJSON import's parser: it answers a
// command or errors that say what is wrong, and never panics.
func FuzzImportLine(f *testing.F) {
	for _, seed := range []string{
		`{"touchpoint_id":"01J00000000000000000000000","metric":"nps","score":9,"comment":"fast","segment":"smb","source":"survey","occurred_at":"2026-01-02T03:04:05Z"}`,
		`{"touchpoint_id":"x","metric":"csat","score":6}`, `{"metric":"ces"}`, `not json`, `{"score":"9"}`, `{"extra":true}`, `[1,2]`, `{"occurred_at":"yesterday"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		_, errs := parseImportLine(line)
		for _, e := range errs {
			if e.Message == "" {
				t.Fatalf("%q: an error without a message: %+v", line, e)
			}
		}
	})
}
