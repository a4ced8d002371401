package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnErasedPersonIsFoundNowhere erases a person whose address was
// answered, kept in an idempotent answer and in checkpoints, and then
// looks for their e-mail and name in every read the API answers and in
// every file under the data directory (the NATS stores, the item store,
// the checkpoints), before and after a restart; the log still verifies.
func TestAnErasedPersonIsFoundNowhere(t *testing.T) {
	dir := t.TempDir()
	loadDemoInto(t, dir, "11")
	const email, name = "quarrington.zebulon.7f3q@example.org", "Zebulon Quarrington"
	m := startMain(t, func(c *Config) { c.Data = dir })
	token := adminTokenOf(t, m)
	code, _, person := post(t, m, token, "/v1/people", map[string]any{"name": name, "email": email, "department": "Claims"}, "Idempotency-Key", "register-zebulon")
	if code != http.StatusCreated {
		t.Fatalf("register answered %d %v", code, person)
	}
	id := person["id"].(string)
	if a, err := request(http.MethodPatch, "http://"+m.HTTPAddr()+"/v1/people/"+id, token, map[string]any{"department": "Sales"}, "Idempotency-Key", "move-zebulon"); err != nil || a.status != http.StatusOK {
		t.Fatalf("the change answered %v %v", a, err)
	}
	// An ambassador, so that the council's report names them.
	if a, err := request(http.MethodPost, "http://"+m.HTTPAddr()+"/v1/program/ambassadors", token, map[string]any{"person_id": id}); err != nil || a.status != http.StatusOK {
		t.Fatalf("the assignment answered %v %v", a, err)
	}
	m.checkpointer.take(context.Background(), "test")
	for format, report := range councilReports(t, m, token) {
		if !strings.Contains(report, name) {
			t.Fatalf("the council's report in %s does not name the ambassador before the erasure: the test looks for the wrong thing\n%s", format, report)
		}
	}
	if !strings.Contains(strings.Join(values(getAll(t, m, token)), "\n"), email) {
		t.Fatal("the person's address is in no answer before the erasure: the test looks for the wrong thing")
	}
	if found := filesHolding(t, dir, email); len(found) == 0 {
		t.Fatal("no file holds the address before the erasure (a checkpoint and a kept answer should): the walk finds nothing")
	}

	for _, bad := range []map[string]any{{}, {"reason": ""}, {"reason": "x", "extra": 1}} {
		if code, _, p := post(t, m, token, "/v1/people/"+id+"/erasure", bad); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
			t.Errorf("erasure with %v answered %d %v", bad, code, p)
		}
	}
	if code, _, p := post(t, m, token, "/v1/people/01J00000000000000000000999/erasure", map[string]any{"reason": "request 17"}); code != http.StatusNotFound {
		t.Errorf("erasure of nobody answered %d %v", code, p)
	}
	code, _, erased := post(t, m, token, "/v1/people/"+id+"/erasure", map[string]any{"reason": "request 2025-17"})
	if code != http.StatusOK || erased["email"] != "[erased]" || erased["name"] != "[erased]" || erased["erased"] != true {
		t.Fatalf("erasure answered %d %v", code, erased)
	}
	if code, _, p := post(t, m, token, "/v1/people/"+id+"/erasure", map[string]any{"reason": "again"}); code != http.StatusConflict {
		t.Errorf("a second erasure answered %d %v", code, p)
	}
	lookNowhere := func(when string) {
		t.Helper()
		for _, found := range answersHolding(t, m, token, nil, email, name) {
			t.Errorf("%s: %s", when, found)
		}
		for format, report := range councilReports(t, m, token) {
			if strings.Contains(report, name) || !strings.Contains(report, "[erased]") {
				t.Errorf("%s the council's report in %s does not name the ambassador [erased]:\n%s", when, format, report)
			}
		}
	}
	lookNowhere("after the erasure")
	m.Close()
	for _, s := range []string{email, name} {
		if found := filesHolding(t, dir, s); len(found) > 0 {
			t.Errorf("after the erasure %q is still in %v", s, found)
		}
	}

	m = startMain(t, func(c *Config) { c.Data = dir })
	lookNowhere("after a restart")
	a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+"/v1/people/"+id+"/history", token, nil)
	if err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"erased_fields"`) {
		t.Errorf("the person's history after a restart reads %v %v, want their fields marked erased", a, err)
	}
	m.Close()
	if code, out, errs := runVerify(t, "--data", dir); code != 0 {
		t.Fatalf("verify after an erasure answered %d: %s %s", code, out, errs)
	}
	code, out, errs := cli(t, nil, "replay", "--data", dir, "--out", "-")
	if code != 0 || strings.Contains(out, email) || !strings.Contains(out, "[erased]") {
		t.Fatalf("replay after an erasure answered %d: %.300s %s", code, out, errs)
	}
}

// councilReports is the council's report for every year the tracker may
// hold, in each of its formats, by media type.
func councilReports(t *testing.T, m *Main, token string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, media := range []string{"application/json", "text/markdown", "text/csv"} {
		a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+"/v1/reports/council?from=2000-01-01T00:00:00Z&to=2200-01-01T00:00:00Z", token, nil, "Accept", media)
		if err != nil || a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), media) {
			t.Fatalf("the council's report in %s answered %v %v", media, a, err)
		}
		out[media] = a.body
	}
	return out
}

// answersHolding lists, as "GET <path> still shows <secret>", each answer
// of every read route (getAll) and of the paths given that holds one of
// secrets.
func answersHolding(t *testing.T, m *Main, token string, paths []string, secrets ...string) []string {
	t.Helper()
	answers := getAll(t, m, token)
	for _, path := range paths {
		a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+path, token, nil)
		if err != nil || a.status != http.StatusOK {
			t.Fatalf("GET %s answered %v %v", path, a, err)
		}
		answers[path] = a.body
	}
	var found []string
	for path, body := range answers {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				found = append(found, fmt.Sprintf("GET %s still shows %q", path, s))
			}
		}
	}
	return found
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// filesHolding lists the files under dir whose bytes hold s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			rel, _ := filepath.Rel(dir, path)
			found = append(found, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
