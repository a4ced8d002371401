package api_test

import (
	"bytes"
	"fmt"
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

// A year's feedback imported today with its occurred_at is in that year's
// report; known_at before the import leaves it out; the report known at a
// time is the same bytes, in every format, after more (back-dated) events;
// a known_at that is not a time, or is after now, is refused.
func TestCouncilReportCutsThePeriodByBusinessTimeAndTheLogByKnownAt(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	web := m.Touchpoints["Website"]
	time.Sleep(20 * time.Millisecond) // stored times are the server's clock
	before := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)
	line := func(score int, at string) string {
		return fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":%d,"source":"survey","occurred_at":%q}`+"\n", web, score, at)
	}
	// 2024: a promoter in Q1; in Q2 two promoters, a passive and a
	// detractor; a detractor in Q3.
	a.importNDJSON(line(10, "2024-02-01T10:00:00Z") + line(9, "2024-04-02T10:00:00Z") + line(10, "2024-05-02T10:00:00Z") +
		line(8, "2024-06-02T10:00:00Z") + line(3, "2024-06-30T23:59:59Z") + line(0, "2024-07-01T00:00:00Z"))
	time.Sleep(20 * time.Millisecond)
	known := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)

	q2 := "/v1/reports/council?from=2024-04-01T00:00:00Z&to=2024-07-01T00:00:00Z&known_at="
	var r struct {
		KnownAt time.Time `json:"known_at"`
		Stages  []struct {
			Name    string `json:"name"`
			Current struct {
				NPS      *float64 `json:"nps"`
				NPSCount int      `json:"nps_count"`
			} `json:"current"`
		} `json:"stages"`
	}
	a.Must(http.StatusOK, http.MethodGet, q2+url.QueryEscape(known), nil).JSON(t, &r)
	var acq *float64
	n := 0
	for _, s := range r.Stages {
		if s.Current.NPSCount > 0 {
			acq, n = s.Current.NPS, s.Current.NPSCount
		}
	}
	// The quarter's own: 9, 10 promoters, 8 passive, 3 detractor (the
	// last second of June): (2-1)/4 = 25.
	if n != 4 || acq == nil || *acq < 24.95 || *acq > 25.05 || r.KnownAt.Format(time.RFC3339Nano) != known {
		t.Errorf("Q2 2024 as known after the import: %d responses, NPS %v, known at %s; want 4, 25, %s", n, deref(acq), r.KnownAt, known)
	}
	var r0 struct {
		Stages []struct {
			Current struct {
				NPSCount int `json:"nps_count"`
			} `json:"current"`
		} `json:"stages"`
	}
	a.Must(http.StatusOK, http.MethodGet, q2+url.QueryEscape(before), nil).JSON(t, &r0)
	for _, s := range r0.Stages {
		if s.Current.NPSCount != 0 {
			t.Errorf("known before the import, the report counts %d responses", s.Current.NPSCount)
		}
	}
	first := map[string][]byte{}
	for _, accept := range []string{"application/json", "text/markdown", "text/csv"} {
		first[accept] = a.Must(http.StatusOK, http.MethodGet, q2+url.QueryEscape(known), nil, "Accept", accept).Body
	}
	a.importNDJSON(line(0, "2024-05-05T10:00:00Z"))
	registerPeople(t, a, 1)
	for _, accept := range []string{"application/json", "text/markdown", "text/csv"} {
		if again := a.Must(http.StatusOK, http.MethodGet, q2+url.QueryEscape(known), nil, "Accept", accept).Body; !bytes.Equal(first[accept], again) {
			t.Errorf("%s known at %s changed after more events:\n%s\n---\n%s", accept, known, first[accept], again)
		}
	}
	for _, bad := range []string{"yesterday", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)} {
		got := a.Do(http.MethodGet, q2+url.QueryEscape(bad), nil)
		if got.Status != http.StatusUnprocessableEntity || !strings.Contains(string(got.Body), "known_at") {
			t.Errorf("known_at %q answered %d: %s", bad, got.Status, got.Body)
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
