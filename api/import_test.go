package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/projections"
)

// importBody is n good NDJSON lines spread over the touchpoints, NPS scores
// 0 to 10 in turn, and the number of promoters and detractors among them.
func importBody(touchpoints []string, n int) (body string, promoters, detractors int) {
	var b strings.Builder
	for i := range n {
		score := i % 11
		fmt.Fprintf(&b, `{"touchpoint_id":%q,"metric":"nps","score":%d,"source":"survey","comment":"line %d","occurred_at":"2025-03-%02dT10:00:00Z"}`+"\n",
			touchpoints[i%len(touchpoints)], score, i, 1+i%28)
		switch {
		case score >= 9:
			promoters++
		case score <= 6:
			detractors++
		}
	}
	return b.String(), promoters, detractors
}

func (a *testAPI) importNDJSON(body string, headers ...string) Response {
	a.t.Helper()
	return a.Do(http.MethodPost, "/v1/feedback/import", body, append([]string{"Content-Type", "application/x-ndjson"}, headers...)...)
}

func TestImportLogsTheGoodLinesAndReportsTheBadOnes(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	web, app, retired := m.Touchpoints["Website"], m.Touchpoints["Onboarding app"], m.Touchpoints["Upsell call"]
	a.Must(http.StatusOK, http.MethodDelete, "/v1/journeys/"+m.ID+"/touchpoints/"+retired, nil)
	// 3000 good lines: 2250 at the website, 750 at the app, appended in
	// batches of at most 1000 lines and sent on every 2000 lines checked.
	good, promoters, detractors := importBody([]string{web, web, web, app}, 3000)
	lines := strings.Split(strings.TrimSuffix(good, "\n"), "\n")
	bad := map[int][2]string{ // line number (1-based) -> field, a word of the message
		5:    {"", "JSON"},
		100:  {"scor", "not a field"},
		777:  {"score", "from 0 to 10"},
		1500: {"touchpoint_id", "retired"},
		2000: {"touchpoint_id", "does not exist"},
		2500: {"score", "required"},
		2999: {"occurred_at", "RFC 3339"},
		3001: {"metric", "one of"},
	}
	badLine := map[int]string{
		5:    `{"touchpoint_id":`,
		100:  fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","scor":3,"source":"survey"}`, web),
		777:  fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":11,"source":"survey"}`, web),
		1500: fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":3,"source":"survey"}`, retired),
		2000: `{"touchpoint_id":"01J00000000000000000000000","metric":"nps","score":3,"source":"survey"}`,
		2500: fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","source":"survey"}`, web),
		2999: fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":3,"source":"survey","occurred_at":"yesterday"}`, web),
		3001: fmt.Sprintf(`{"touchpoint_id":%q,"metric":"ltv","score":3,"source":"survey"}`, web),
	}
	var all []string
	next := 0
	for n := 1; n <= len(lines)+len(badLine); n++ {
		if l, isBad := badLine[n]; isBad {
			all = append(all, l)
			continue
		}
		all = append(all, lines[next])
		next++
	}
	r := a.importNDJSON(strings.Join(all, "\n") + "\n\n")
	var res api.ImportResult
	r.JSON(t, &res)
	if r.Status != http.StatusOK || res.Received != 3008 || res.Logged != 3000 || res.Rejected != 8 || len(res.Errors) != 8 {
		t.Fatalf("answered %d: received %d logged %d rejected %d errors %+v", r.Status, res.Received, res.Logged, res.Rejected, res.Errors)
	}
	for _, e := range res.Errors {
		want, listed := bad[e.Line]
		if !listed || e.Field != want[0] || !strings.Contains(e.Message, want[1]) {
			t.Errorf("line %d: %q %q, want %q %q", e.Line, e.Field, e.Message, want[0], want[1])
		}
	}
	var j projections.JourneyView
	a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID, nil, "X-Min-Seq", r.Header.Get("X-Event-Seq")).JSON(t, &j)
	acq := j.Stages[0]
	if acq.Touchpoints[0].Count != 2250 || j.Stages[1].Count != 750 || j.Count != 3000 {
		t.Fatalf("website %d, activation %d, journey %d", acq.Touchpoints[0].Count, j.Stages[1].Count, j.Count)
	}
	if want := 100 * float64(promoters-detractors) / 3000; *j.NPS != want {
		t.Fatalf("journey NPS %v, want %v", *j.NPS, want)
	}
	if p := a.feedbackList(t, "limit=500&touchpoint="+app); len(p.Items) != 500 || p.NextCursor == "" || p.Items[0].Comment != "line 3" {
		t.Fatalf("app items %d, first %+v", len(p.Items), p.Items[0])
	}
}

func TestImportRefusals(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	line := fmt.Sprintf(`{"touchpoint_id":%q,"metric":"csat","score":4,"source":"survey"}`+"\n", m.Touchpoints["Branch"])
	if r := a.Do(http.MethodPost, "/v1/feedback/import", line); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("a JSON body answered %d %s", r.Status, r.Body)
	}
	first := a.importNDJSON(line, "Idempotency-Key", "import-1")
	again := a.importNDJSON(line, "Idempotency-Key", "import-1")
	if first.Status != http.StatusOK || again.Status != http.StatusOK || string(again.Body) != string(first.Body) {
		t.Fatalf("a repeated import answered %d %s then %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if r := a.importNDJSON(""); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"received":0`) {
		t.Fatalf("an empty import answered %d %s", r.Status, r.Body)
	}
	// A server whose import takes 1 KiB at most: a bigger body is refused
	// whole, before a line is logged.
	deps := a.Server.Deps
	deps.MaxImportBody = 1 << 10
	small := httptest.NewServer(api.New(deps).Handler())
	t.Cleanup(small.Close)
	req, _ := http.NewRequest(http.MethodPost, small.URL+"/v1/feedback/import", strings.NewReader(strings.Repeat(line, 40)))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("an oversized import answered %d", resp.StatusCode)
	}
	// Without a Content-Length, the body is read to its end before a line
	// is logged, and refused whole all the same.
	req, _ = http.NewRequest(http.MethodPost, small.URL+"/v1/feedback/import", io.MultiReader(strings.NewReader(strings.Repeat(line, 40))))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || req.ContentLength != 0 {
		t.Fatalf("an oversized import of unknown length answered %d (length %d)", resp.StatusCode, req.ContentLength)
	}
	if p := a.feedbackList(t, "limit=100"); len(p.Items) != 1 {
		t.Fatalf("%d items logged, want the first import's one", len(p.Items))
	}
}

// BenchmarkImport measures the NDJSON import end to end over HTTP, on a
// real embedded JetStream that syncs before it acknowledges: lines/s is
// lines read, checked, appended and projected per second.
func BenchmarkImport(b *testing.B) {
	a := startAPI(b)
	m := mapAARRR(b, a)
	const lines = 20000
	body, _, _ := importBody([]string{m.Touchpoints["Website"], m.Touchpoints["Call centre"], m.Touchpoints["Onboarding app"], m.Touchpoints["Branch"]}, lines)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		if r := a.importNDJSON(body); r.Status != http.StatusOK || !strings.Contains(string(r.Body), fmt.Sprintf(`"logged":%d`, lines)) {
			b.Fatalf("answered %d: %.300s", r.Status, r.Body)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}
