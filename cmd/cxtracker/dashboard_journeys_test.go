package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cxtracker/projections"
)

func TestTheJourneyMapShowsEveryStageInOrderAndEveryTouchpointWithItsNumber(t *testing.T) {
	m, admin := demoTracker(t)
	j := demoJourney(t, admin)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)

	// With one journey mapped, the list opens it.
	if a := b.get("/journeys"); a.Status != http.StatusSeeOther || a.Location != "/journeys/"+j.ID {
		t.Fatalf("/journeys answered %d to %q", a.Status, a.Location)
	}
	// Without a period in its address the map reads the last quarter.
	var inPeriod projections.JourneyView
	if err := admin.do(context.Background(), http.MethodGet, "/v1/journeys/"+j.ID+"?from=2026-04-01T00:00:00Z&to=2026-07-01T00:00:00Z", nil, &inPeriod); err != nil {
		t.Fatal(err)
	}
	j = inPeriod
	page := b.get("/journeys/" + j.ID)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="journey-map" data-metric="nps"`) {
		t.Fatalf("the map answered %d without its NPS map: %s", page.Status, page.Body)
	}
	if !strings.Contains(page.Body, `href="/journeys/`+j.ID+`?metric=nps" aria-current="page"`) {
		t.Error("the metric switcher does not mark NPS as chosen")
	}
	at := -1
	for _, st := range j.Stages {
		i := strings.Index(page.Body, `data-stage="`+st.ID+`"`)
		if i <= at {
			t.Fatalf("stage %s is missing or out of order (at %d, after %d)", st.Name, i, at)
		}
		at = i
		if !strings.Contains(page.Body[i:], html.EscapeString(st.Name)) {
			t.Errorf("stage %s is not named", st.Name)
		}
		for _, tp := range st.Touchpoints {
			cell := mapCell(t, page.Body, tp.ID)
			if cell.index < at {
				t.Errorf("touchpoint %s is not under its stage %s", tp.Name, st.Name)
			}
			n := tp.Period.Current.NPSCount
			want := "–"
			switch {
			case n >= projections.MoverMinResponses:
				want = fmt.Sprintf("%.1f", *tp.Period.Current.NPS)
			case n > 0:
				want = "too few responses"
			}
			for _, s := range []string{html.EscapeString(tp.Name), "<strong>" + want + "</strong>", countOf(n, "response"), countOf(tp.OpenFollowUps, "open follow-up")} {
				if !strings.Contains(cell.body, s) {
					t.Errorf("the cell of %s lacks %q: %s", tp.Name, s, cell.body)
				}
			}
		}
	}
	if !strings.Contains(page.Body, `id="legend"`) || !strings.Contains(page.Body, "70 or more") {
		t.Error("the map has no legend of NPS's buckets")
	}

	// With a second journey, the list shows both, each a link to its map.
	var second projections.JourneyView
	if err := admin.do(context.Background(), http.MethodPost, "/v1/journeys", obj{"name": "Consumer <app> journey"}, &second); err != nil {
		t.Fatal(err)
	}
	list := b.get("/journeys")
	for _, want := range []string{`<a href="/journeys/` + j.ID + `">` + html.EscapeString(j.Name), `<a href="/journeys/` + second.ID + `">Consumer &lt;app&gt; journey`} {
		if list.Status != http.StatusOK || !strings.Contains(list.Body, want) {
			t.Fatalf("the list of two journeys (%d) lacks %s: %s", list.Status, want, list.Body)
		}
	}
	if empty := b.get("/journeys/" + second.ID); empty.Status != http.StatusOK || !strings.Contains(empty.Body, "no stages yet") {
		t.Errorf("a journey without stages answered %d: %s", empty.Status, empty.Body)
	}
}

func TestTheJourneyMapReadsCESTheOtherWayRoundAndSaysWhatItCannotRead(t *testing.T) {
	m, admin := demoTracker(t)
	j := demoJourney(t, admin)
	crew := createCrew(t, admin, "Portal crew")
	easy := addTouchpoint(t, admin, j, "Self-service portal", crew)
	hard := addTouchpoint(t, admin, j, "Paper claim form", crew)
	// Enough answers in the last quarter, the map's period, to be read.
	var lines []obj
	for range projections.MoverMinResponses {
		lines = append(lines, scoreLine(easy, "ces", 1, "", "2026-05-10T12:00:00Z"), scoreLine(hard, "ces", 7, "", "2026-05-10T12:00:00Z"))
	}
	importFeedback(t, admin, lines)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)

	page := b.get("/journeys/" + j.ID + "?metric=ces")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-metric="ces"`) {
		t.Fatalf("the CES map answered %d: %s", page.Status, page.Body)
	}
	if c := mapCell(t, page.Body, easy); c.class != "heat-4" || !strings.Contains(c.body, "<strong>1.0</strong>") || !strings.Contains(c.body, "very good") {
		t.Errorf("a CES of 1 (least effort) is %s, not the best bucket: %s", c.class, c.body)
	}
	if c := mapCell(t, page.Body, hard); c.class != "heat-0" || !strings.Contains(c.body, "<strong>7.0</strong>") || !strings.Contains(c.body, "very poor") {
		t.Errorf("a CES of 7 (most effort) is %s, not the worst bucket: %s", c.class, c.body)
	}
	if !strings.Contains(page.Body, "lower is better") || !strings.Contains(page.Body, "2.5 or less") {
		t.Error("the CES legend does not say that lower is better")
	}
	// On NPS the same touchpoints have no responses, and say so.
	if c := mapCell(t, b.get("/journeys/"+j.ID).Body, easy); c.class != "heat-none" || !strings.Contains(c.body, "no responses") {
		t.Errorf("a touchpoint without NPS responses is %s: %s", c.class, c.body)
	}

	bad := b.get("/journeys/" + j.ID + "?metric=happiness")
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `class="card narrow error-page"`) || !strings.Contains(bad.Body, "nps, csat, ces") {
		t.Fatalf("a bad metric answered %d: %s", bad.Status, bad.Body)
	}
	// A period the map cannot read is said on the map's page, beside the
	// chooser to put it right; never a server error.
	for q, want := range map[string]string{
		"from=2026-02-30&to=2026-03-10": "is not a date",
		"from=2026-03-10":               "Give both days",
		"from=2026-03-10&to=2026-03-01": "before it starts",
		"from=2026-07-01&to=2026-07-20": "after today (16 Jul 2026)",
	} {
		a := b.get("/journeys/" + j.ID + "?" + q)
		if a.Status != http.StatusBadRequest || !strings.Contains(a.Body, `id="period-problem"`) || !strings.Contains(a.Body, want) || !strings.Contains(a.Body, `id="period-form"`) {
			t.Errorf("?%s answered %d without %q: %s", q, a.Status, want, a.Body)
		}
	}
	// What was typed stays in the fields, to be put right.
	if a := b.get("/journeys/" + j.ID + "?" + url.Values{"from": {"2026-03-10"}, "to": {"not yet"}}.Encode()); !strings.Contains(a.Body, `value="not yet"`) {
		t.Errorf("the last day typed is not kept: %s", a.Body)
	}
}

func TestACellOpensItsTouchpointWithItsOwnerCrewAndItsCommentsAsText(t *testing.T) {
	m, admin := demoTracker(t)
	j := demoJourney(t, admin)
	tp := j.Stages[0].Touchpoints[0]
	var crew projections.CrewView
	if err := admin.do(context.Background(), http.MethodGet, "/v1/crews/"+tp.OwnerCrewID, nil, &crew); err != nil {
		t.Fatal(err)
	}
	const evil = `<script>alert(1)</script>`
	logFeedback(t, admin, tp.ID, "nps", 2, evil)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)

	cell := mapCell(t, b.get("/journeys/"+j.ID).Body, tp.ID)
	page := b.get(html.UnescapeString(cell.href))
	if page.Status != http.StatusOK {
		t.Fatalf("the cell's link %s answered %d: %s", cell.href, page.Status, page.Body)
	}
	for _, hook := range []string{`id="touchpoint"`, `id="trend"`, `id="comments"`, `id="tp-follow-ups"`, `<svg class="chart"`, `href="/follow-ups"`} {
		if !strings.Contains(page.Body, hook) {
			t.Errorf("the touchpoint page lacks %s", hook)
		}
	}
	if !strings.Contains(page.Body, `<dd id="owner-crew">`+html.EscapeString(crew.Name)) {
		t.Errorf("the touchpoint page does not name its owner crew %q", crew.Name)
	}
	if strings.Contains(page.Body, evil) || !strings.Contains(page.Body, "<blockquote>&lt;script&gt;alert(1)&lt;/script&gt;</blockquote>") {
		t.Error("the comment holding <script> is not shown escaped, as text")
	}
	// The new comment is the newest: it comes first.
	if first := strings.Index(page.Body, "<blockquote>"); first < 0 || !strings.HasPrefix(page.Body[first:], "<blockquote>&lt;script&gt;") {
		t.Error("the newest comment is not listed first")
	}
	if n := strings.Count(page.Body, "<blockquote>"); n == 0 || n > 20 {
		t.Errorf("the page shows %d comments, not the latest 20", n)
	}
	week := b.get(html.UnescapeString(cell.href) + "?period=week")
	if week.Status != http.StatusOK || !strings.Contains(week.Body, `data-period="week"`) || !strings.Contains(week.Body, "the last 26 weeks") {
		t.Errorf("the weekly trend answered %d", week.Status)
	}

	for path, want := range map[string]int{
		"/journeys/" + j.ID + "/touchpoints/01ARZ3NDEKTSV4RRFFQ69G5FAV": http.StatusNotFound,
		"/journeys/01ARZ3NDEKTSV4RRFFQ69G5FAV/touchpoints/" + tp.ID:     http.StatusNotFound,
		"/journeys/01ARZ3NDEKTSV4RRFFQ69G5FAV":                          http.StatusNotFound,
		"/journeys/" + j.ID + "/touchpoints/" + tp.ID + "?period=year":  http.StatusBadRequest,
	} {
		if a := b.get(path); a.Status != want || !strings.Contains(a.Body, "error-page") {
			t.Errorf("%s answered %d, not a %d page: %s", path, a.Status, want, a.Body)
		}
	}
}

func TestATouchpointPageFlagsADisbandedOwnerAndListsItsFollowUps(t *testing.T) {
	m, admin := demoTracker(t)
	j := demoJourney(t, admin)
	crew := createCrew(t, admin, "Short-lived crew")
	tp := addTouchpoint(t, admin, j, "Pop-up store", crew)
	open := logFeedback(t, admin, tp, "nps", 1, "Nobody was there")
	closed := logFeedback(t, admin, tp, "nps", 0, "The door was locked")
	ctx := context.Background()
	for _, id := range []string{open, closed} {
		if err := admin.do(ctx, http.MethodPost, "/v1/feedback/"+id+"/follow-up", obj{"note": "call back"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := admin.do(ctx, http.MethodPost, "/v1/feedback/"+closed+"/follow-up/closure", obj{"action_taken": "Refunded the visit", "customer_informed": true}, nil); err != nil {
		t.Fatal(err)
	}
	if err := admin.do(ctx, http.MethodPost, "/v1/crews/"+crew+"/disbandment", obj{"reason": "store closed"}, nil); err != nil {
		t.Fatal(err)
	}
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)

	page := b.get("/journeys/" + j.ID + "/touchpoints/" + tp)
	if page.Status != http.StatusOK {
		t.Fatalf("the touchpoint answered %d: %s", page.Status, page.Body)
	}
	if !strings.Contains(page.Body, "Short-lived crew") || !strings.Contains(page.Body, "disbanded") {
		t.Error("a disbanded owner crew is not flagged")
	}
	fu := page.Body[strings.Index(page.Body, `id="tp-follow-ups"`):]
	for _, want := range []string{`class="fu-open" data-feedback="` + open, `class="fu-closed" data-feedback="` + closed, "Refunded the visit", "customer told", "1 open follow-up, 1 closed one"} {
		if !strings.Contains(fu, want) {
			t.Errorf("the follow-ups lack %q", want)
		}
	}
	// A closed follow-up says how long it took, not how long ago.
	row := fu[strings.Index(fu, `class="fu-closed"`):]
	if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "took ") || strings.Contains(row, " ago") || strings.Contains(row, "just now") {
		t.Errorf("the closed follow-up's row reads %s", row)
	}
	if c := mapCell(t, b.get("/journeys/"+j.ID).Body, tp); !strings.Contains(c.body, "1 open follow-up") {
		t.Errorf("the map's cell does not count the open follow-up: %s", c.body)
	}
}

// demoJourney is the demo's one journey map, as the API shows it.
func demoJourney(t *testing.T, c *client) projections.JourneyView {
	t.Helper()
	var list struct {
		Items []projections.JourneyView `json:"items"`
	}
	if err := c.do(context.Background(), http.MethodGet, "/v1/journeys", nil, &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("the demo has %d journeys (%v)", len(list.Items), err)
	}
	return list.Items[0]
}

// createCrew forms a platform crew and answers its id.
func createCrew(t *testing.T, c *client, name string) string {
	t.Helper()
	var crew projections.CrewView
	if err := c.do(context.Background(), http.MethodPost, "/v1/crews", obj{"name": name, "type": "platform", "purpose": "tests"}, &crew); err != nil {
		t.Fatal(err)
	}
	return crew.ID
}

// addTouchpoint adds a touchpoint at the journey's first stage and answers
// its id.
func addTouchpoint(t *testing.T, c *client, j projections.JourneyView, name, crewID string) string {
	t.Helper()
	var tp projections.TouchpointView
	if err := c.do(context.Background(), http.MethodPost, "/v1/journeys/"+j.ID+"/touchpoints",
		obj{"stage_id": j.Stages[0].ID, "name": name, "channel": "web", "owner_crew_id": crewID}, &tp); err != nil {
		t.Fatal(err)
	}
	return tp.ID
}

// logFeedback logs one score at a touchpoint and answers the item's id.
func logFeedback(t *testing.T, c *client, tpID, metric string, score int, comment string) string {
	t.Helper()
	var it projections.FeedbackItem
	if err := c.do(context.Background(), http.MethodPost, "/v1/feedback",
		obj{"touchpoint_id": tpID, "metric": metric, "score": score, "source": "survey", "comment": comment}, &it); err != nil {
		t.Fatal(err)
	}
	return it.ID
}

// countOf is n things as the pages write it: "1 response", "3 responses".
func countOf(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// mapCellPattern is a touchpoint's cell on the map: its bucket class, its
// id, its link and what it says.
var mapCellPattern = regexp.MustCompile(`(?s)<a class="tp-cell (heat-[a-z0-9]+)" data-touchpoint="([^"]+)" href="([^"]+)">(.*?)</a>`)

type mapCellAnswer struct {
	class, href, body string
	index             int
}

// mapCell is the cell of touchpoint id on a map page; the test fails when
// there is none.
func mapCell(t *testing.T, body, id string) mapCellAnswer {
	t.Helper()
	for _, m := range mapCellPattern.FindAllStringSubmatchIndex(body, -1) {
		if body[m[4]:m[5]] == id {
			return mapCellAnswer{class: body[m[2]:m[3]], href: body[m[6]:m[7]], body: body[m[8]:m[9]], index: m[0]}
		}
	}
	t.Fatalf("no cell of touchpoint %s on the map", id)
	return mapCellAnswer{}
}
