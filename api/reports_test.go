package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

func TestCouncilReportInEveryFormat(t *testing.T) {
	a := startAPI(t)
	from := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	registerPeople(t, a, 2)
	q := "/v1/reports/council?from=" + url.QueryEscape(from)
	var r struct {
		Digest struct {
			Seq    uint64 `json:"seq"`
			Digest string `json:"digest"`
		} `json:"digest"`
		Coverage []struct {
			Department string `json:"department"`
		} `json:"ambassador_coverage"`
	}
	a.Must(http.StatusOK, http.MethodGet, q, nil).JSON(t, &r)
	if r.Digest.Seq != 3 || len(r.Digest.Digest) != 64 || len(r.Coverage) != 1 || r.Coverage[0].Department != "Claims" {
		t.Fatalf("report %+v", r)
	}
	md := a.Must(http.StatusOK, http.MethodGet, q, nil, "Accept", "text/markdown")
	if !strings.HasPrefix(md.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(string(md.Body), "# Quality council report") {
		t.Fatalf("markdown: %s %s", md.Header.Get("Content-Type"), md.Body)
	}
	csv := a.Must(http.StatusOK, http.MethodGet, q, nil, "Accept", "text/csv")
	if !strings.HasPrefix(string(csv.Body), "section,id,name,field,value") {
		t.Fatalf("csv: %s", csv.Body)
	}
	for _, bad := range []string{"", "?from=yesterday", "?from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(from)} {
		if got := a.Do(http.MethodGet, "/v1/reports/council"+bad, nil); got.Status != http.StatusUnprocessableEntity {
			t.Errorf("%q answered %d, want 422", bad, got.Status)
		}
	}
}

// Without "to" the period ends at the API's clock's now; each format gives
// the same bytes each time it is asked for.
func TestCouncilReportEndsAtTheClocksNowAndIsTheSameBytesEveryTime(t *testing.T) {
	end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	a := startAPIWith(t, func(d *api.Deps) { d.Clock = events.FixedClock(end) })
	registerPeople(t, a, 5)
	q := "/v1/reports/council?from=2020-01-01T00:00:00Z"
	var r struct {
		To time.Time `json:"to"`
	}
	a.Must(http.StatusOK, http.MethodGet, q, nil).JSON(t, &r)
	if !r.To.Equal(end) {
		t.Errorf("the period ends at %s, want the clock's %s", r.To, end)
	}
	for _, accept := range []string{"application/json", "text/markdown", "text/csv"} {
		first := a.Must(http.StatusOK, http.MethodGet, q, nil, "Accept", accept).Body
		if again := a.Must(http.StatusOK, http.MethodGet, q, nil, "Accept", accept).Body; !bytes.Equal(first, again) {
			t.Errorf("%s differs between two requests:\n%s\n---\n%s", accept, first, again)
		}
	}
}
