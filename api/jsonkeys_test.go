package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/projections"
)

// TestJSONFieldNamesMatchExactly sends keys that differ from a field's name
// only by case, at the top of a body, inside a list of objects, and on an
// import line, and wants each refused as an unknown field, named.
func TestJSONFieldNamesMatchExactly(t *testing.T) {
	a := startAPI(t)
	wantField := func(t *testing.T, r Response, field string) {
		t.Helper()
		var p api.Problem
		r.JSON(t, &p)
		if r.Status != http.StatusBadRequest || !slices.ContainsFunc(p.Errors, func(e api.FieldError) bool { return e.Field == field }) {
			t.Fatalf("answered %d %s, want 400 naming %s", r.Status, r.Body, field)
		}
	}
	t.Run("top level", func(t *testing.T) {
		wantField(t, a.Do(http.MethodPost, "/v1/people", `{"Name":"Noor","email":"noor@example.com","department":"Claims"}`), "Name")
	})
	t.Run("nested in a list", func(t *testing.T) {
		owner := decode[projections.PersonView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Noor", "email": "noor@example.com", "department": "Claims"})).ID
		wantField(t, a.Do(http.MethodPost, "/v1/action-plans",
			`{"account":"Acme","title":"Fix it","actions":[{"description":"call","owner_id":"`+owner+`"},{"DESCRIPTION":"write","owner_id":"`+owner+`"}]}`),
			"actions[1].DESCRIPTION")
	})
	t.Run("an import line", func(t *testing.T) {
		var touchpoint string
		for _, id := range mapAARRR(t, a).Touchpoints {
			touchpoint = id
		}
		r := a.importNDJSON(`{"touchpoint_id":"` + touchpoint + `","metric":"nps","score":9,"source":"survey","Comment":"shouted"}` + "\n")
		var res api.ImportResult
		r.JSON(t, &res)
		if r.Status != http.StatusOK || res.Logged != 0 || len(res.Errors) != 1 || res.Errors[0].Field != "Comment" {
			t.Fatalf("answered %d %s, want the line refused naming Comment", r.Status, r.Body)
		}
	})
	t.Run("an import line with an escaped key, and spaces", func(t *testing.T) {
		var touchpoint string
		for _, id := range mapAARRR(t, a).Touchpoints {
			touchpoint = id
		}
		for line, field := range map[string]string{
			`{"touchpoint_id":"` + touchpoint + `","metric":"nps","score":9,"source":"survey","\u0043omment":"escaped"}`:                 "Comment",
			`{ "touchpoint_id" : "` + touchpoint + `" , "metric":"nps", "score" : 9 ,"source":"survey" , "SEGMENT" : "smb" }`:            "SEGMENT",
			`{"touchpoint_id":"` + touchpoint + `","metric":"nps","score":9,"source":"survey","comment":"a \"Score\": in it","Score":9}`: "Score",
		} {
			r := a.importNDJSON(line + "\n")
			var res api.ImportResult
			r.JSON(t, &res)
			if r.Status != http.StatusOK || res.Logged != 0 || len(res.Errors) != 1 || res.Errors[0].Field != field {
				t.Fatalf("%s answered %d %s, want the line refused naming %s", line, r.Status, r.Body, field)
			}
		}
		r := a.importNDJSON(`{ "touchpoint_id" : "` + touchpoint + `", "metric":"nps", "score" : 9 , "source":"survey", "comment":"says \"Score\":" }` + "\n")
		var res api.ImportResult
		r.JSON(t, &res)
		if r.Status != http.StatusOK || res.Logged != 1 {
			t.Fatalf("a line with exact keys answered %d %s", r.Status, r.Body)
		}
	})
	t.Run("a long unknown key is named within the documented length", func(t *testing.T) {
		key := strings.Repeat("k", 5000)
		r := a.Do(http.MethodPost, "/v1/people", `{"`+key+`":1}`)
		var p api.Problem
		r.JSON(t, &p)
		if r.Status != http.StatusBadRequest || len(p.Errors) != 1 || !strings.HasPrefix(key, strings.TrimSuffix(p.Errors[0].Field, "…")) || len(p.Errors[0].Field) > 250 {
			t.Fatalf("answered %d with errors %v", r.Status, p.Errors)
		}
	})
	// The exact names are still taken.
	a.Must(http.StatusCreated, http.MethodPost, "/v1/people", `{"name":"Ana","email":"ana@example.com","department":"Claims"}`)
}
