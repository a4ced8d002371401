package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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
