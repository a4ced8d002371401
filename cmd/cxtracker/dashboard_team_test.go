package main

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/projections"
)

// openFollowUpItems are the open follow-ups as the API lists them, every page.
func openFollowUpItems(t *testing.T, c *client) []projections.FeedbackItem {
	t.Helper()
	return feedbackWhere(t, c, "open")
}

func feedbackWhere(t *testing.T, c *client, followUp string) []projections.FeedbackItem {
	t.Helper()
	return feedbackOf(t, c, url.Values{"follow_up": {followUp}})
}

var queueRow = regexp.MustCompile(`class="follow-up card" data-feedback="([^"]+)"`)

// queueIDs are the feedback ids of the queue's rows, in the page's order.
func queueIDs(body string) []string {
	var ids []string
	for _, m := range queueRow.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// queueRowHTML is the part of the queue page that is the row of id.
func queueRowHTML(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `data-feedback="`+id+`"`)
	if i < 0 {
		t.Fatalf("no row %s in the queue: %s", id, body)
	}
	end := strings.Index(body[i:], "</li>")
	return body[i : i+end]
}

// digestSeq is the sequence the log's digest is at: the log's length.
func digestSeq(t *testing.T, c *client) uint64 {
	t.Helper()
	var d api.DigestView
	if err := c.do(context.Background(), http.MethodGet, "/v1/audit/digest", nil, &d); err != nil {
		t.Fatal(err)
	}
	return d.Seq
}

// teamSession is a browser signed in as the demo's CX manager.
func teamSession(t *testing.T) (*Main, *client, *browserSession) {
	t.Helper()
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, cxManager)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	return m, admin, b
}

func TestTheFollowUpQueueListsOpenFollowUpsOldestFirst(t *testing.T) {
	_, admin, b := teamSession(t)
	ctx := context.Background()
	// A follow-up opened now on the newest feedback item: last by id, and
	// with a comment that must show as text.
	open := openFollowUpItems(t, admin)
	if len(open) == 0 {
		t.Fatal("the demo has no open follow-up")
	}
	var logged projections.FeedbackItem
	if err := admin.do(ctx, http.MethodPost, "/v1/feedback", obj{"touchpoint_id": open[0].TouchpointID, "metric": "nps", "score": 2,
		"comment": "<script>alert('queue')</script> never again", "source": "survey"}, &logged); err != nil {
		t.Fatal(err)
	}
	if err := admin.do(ctx, http.MethodPost, "/v1/feedback/"+logged.ID+"/follow-up", obj{"note": "call back"}, nil); err != nil {
		t.Fatal(err)
	}

	want := openFollowUpItems(t, admin)
	slices.SortFunc(want, func(a, b projections.FeedbackItem) int {
		return cmp.Or(a.FollowUp.OpenedAt.Compare(b.FollowUp.OpenedAt), cmp.Compare(a.ID, b.ID))
	})
	var wantIDs []string
	for _, it := range want {
		wantIDs = append(wantIDs, it.ID)
	}
	page := b.get("/follow-ups")
	if page.Status != http.StatusOK {
		t.Fatalf("the queue answered %d: %s", page.Status, page.Body)
	}
	if got := queueIDs(page.Body); !slices.Equal(got, wantIDs) {
		t.Fatalf("the queue lists %v, want the open follow-ups oldest opened first %v", got, wantIDs)
	}
	if !strings.Contains(page.Body, fmt.Sprintf("<strong>%d</strong> follow-ups are open", len(want))) {
		t.Errorf("the queue does not count %d open follow-ups", len(want))
	}
	row := queueRowHTML(t, page.Body, logged.ID)
	if strings.Contains(row, "<script>") || !strings.Contains(row, "&lt;script&gt;alert(&#39;queue&#39;)&lt;/script&gt; never again") {
		t.Errorf("the comment is not escaped: %s", row)
	}
	first := queueRowHTML(t, page.Body, wantIDs[0])
	for _, part := range []string{"score <strong>", `close-form"`, `href="/journeys/` + want[0].JourneyID + `/touchpoints/` + want[0].TouchpointID + `"`, "opened "} {
		if !strings.Contains(first, part) {
			t.Errorf("the oldest row lacks %q: %s", part, first)
		}
	}
	if strings.Contains(first, "<span class=\"warn\">nobody</span>") && want[0].FollowUp.AssigneeID != "" {
		t.Errorf("the oldest row's assignee %s is not named: %s", want[0].FollowUp.AssigneeID, first)
	}
}

func TestClosingAFollowUpFromTheQueueTakesItOff(t *testing.T) {
	_, admin, b := teamSession(t)
	open := openFollowUpItems(t, admin)
	id := open[0].ID
	csrf := b.csrf("/follow-ups")
	a := b.post("/follow-ups/"+id+"/closure", url.Values{"_csrf": {csrf}, "action_taken": {"Called back; the fee was refunded."}, "customer_informed": {"yes"}})
	if a.Status != http.StatusSeeOther || a.Location != "/follow-ups" {
		t.Fatalf("closing answered %d to %q: %s", a.Status, a.Location, a.Body)
	}
	page := b.get("/follow-ups")
	if slices.Contains(queueIDs(page.Body), id) {
		t.Fatalf("the closed follow-up %s is still in the queue", id)
	}
	if len(queueIDs(page.Body)) != len(open)-1 {
		t.Errorf("the queue lists %d follow-ups after closing one of %d", len(queueIDs(page.Body)), len(open))
	}
	for _, it := range feedbackWhere(t, admin, "closed") {
		if it.ID == id {
			if f := it.FollowUp; f.ActionTaken != "Called back; the fee was refunded." || !f.CustomerInformed || f.ClosedAt == nil {
				t.Fatalf("the API shows the follow-up as %+v", f)
			}
			return
		}
	}
	t.Fatalf("the API does not show %s closed", id)
}

func TestClosingWithoutWhatWasDoneShowsTheAPIsErrorBesideThatRow(t *testing.T) {
	_, admin, b := teamSession(t)
	open := openFollowUpItems(t, admin)
	if len(open) < 2 {
		t.Fatal("the demo has fewer than two open follow-ups")
	}
	id := open[len(open)-1].ID
	before := digestSeq(t, admin)
	csrf := b.csrf("/follow-ups")
	a := b.post("/follow-ups/"+id+"/closure", url.Values{"_csrf": {csrf}, "action_taken": {""}, "customer_informed": {"yes"}})
	if a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("closing with no action answered %d: %s", a.Status, a.Body)
	}
	row := queueRowHTML(t, a.Body, id)
	for _, part := range []string{`class="form-error"`, "What was done is required.", `aria-describedby="action-error-` + id + `"`, `id="action-error-` + id + `"`, "checked"} {
		if !strings.Contains(row, part) {
			t.Errorf("the refused row lacks %q: %s", part, row)
		}
	}
	if n := strings.Count(a.Body, `class="form-error"`); n != 1 {
		t.Errorf("the page shows %d problems, want one beside the row", n)
	}
	if after := digestSeq(t, admin); after != before {
		t.Errorf("a refused closing wrote to the log: %d events, then %d", before, after)
	}
	if !slices.ContainsFunc(openFollowUpItems(t, admin), func(it projections.FeedbackItem) bool { return it.ID == id }) {
		t.Error("the refused follow-up is no longer open")
	}
}

func TestACouncilMemberWhoMayNotCloseAFollowUpSeesTheRolesPage(t *testing.T) {
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, func(p deskPerson) bool {
		return p.Roles.Council != nil && !p.Roles.CXManager && p.Roles.Ambassador == nil
	})
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	id := openFollowUpItems(t, admin)[0].ID
	a := b.post("/follow-ups/"+id+"/closure", url.Values{"_csrf": {b.csrf("/follow-ups")}, "action_taken": {"done"}})
	if a.Status != http.StatusForbidden || !strings.Contains(a.Body, "Your roles") {
		t.Fatalf("a council member closing a follow-up answered %d: %s", a.Status, a.Body)
	}
}

func TestTheKPIPageShowsEachKPIsChartAgainstItsTarget(t *testing.T) {
	_, admin, b := teamSession(t)
	ctx := context.Background()
	var kpis api.Page[projections.KPIView]
	if err := admin.do(ctx, http.MethodGet, "/v1/kpis?limit=500", nil, &kpis); err != nil {
		t.Fatal(err)
	}
	retired := kpis.Items[0].ID
	if err := admin.do(ctx, http.MethodDelete, "/v1/kpis/"+retired, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := admin.do(ctx, http.MethodGet, "/v1/kpis?limit=500", nil, &kpis); err != nil {
		t.Fatal(err)
	}
	page := b.get("/kpis")
	if page.Status != http.StatusOK {
		t.Fatalf("/kpis answered %d: %s", page.Status, page.Body)
	}
	lastTracked, retiredAt := -1, strings.Index(page.Body, `id="kpi-`+retired+`"`)
	owners := 0
	for _, k := range kpis.Items {
		i := strings.Index(page.Body, `id="kpi-`+k.ID+`"`)
		if i < 0 {
			t.Fatalf("no card for KPI %s", k.ID)
		}
		card := page.Body[i : i+strings.Index(page.Body[i:], "</section>")]
		if !k.Retired {
			lastTracked = max(lastTracked, i)
		}
		want := "not measured yet"
		if k.Met != nil {
			want = map[bool]string{true: "target met", false: "target not met"}[*k.Met]
		}
		for _, part := range []string{html.EscapeString(k.Name), `<strong class="kpi-standing">` + want + `</strong>`, `<svg class="chart"`, `<line class="target"`,
			fmt.Sprintf("target %.1f", k.Target), strings.ReplaceAll(k.Direction, "_", " ")} {
			if !strings.Contains(card, part) {
				t.Errorf("KPI %s's card lacks %q: %s", k.Name, part, card)
			}
		}
		points, mark := len(k.Measurements), "entered by hand"
		if k.Source == projections.KPISourceFeedback {
			points, mark = len(k.Months), "no responses yet"
			if k.Current != nil {
				mark = fmt.Sprintf("computed from %d responses in %s", k.Current.Count, k.Current.Period)
			}
			if got := strings.Count(card, `<tr data-period="`); got != len(k.Months)+len(k.Weeks) {
				t.Errorf("KPI %s's tables have %d rows for %d months and %d weeks", k.Name, got, len(k.Months), len(k.Weeks))
			}
		}
		if got := strings.Count(card, `<circle class="dot"`); got != points {
			t.Errorf("KPI %s's chart has %d points for %d values", k.Name, got, points)
		}
		if !strings.Contains(card, `data-source="`+k.Source+`">`+mark+`</p>`) {
			t.Errorf("KPI %s's card does not say %q: %s", k.Name, mark, card)
		}
		if k.OwnerID == "" && !strings.Contains(card, "no owner") {
			t.Errorf("KPI %s has no owner and its card does not say so", k.Name)
		}
		if k.OwnerID != "" {
			owners++
			if strings.Contains(card, "no owner") || strings.Contains(card, "<dd>"+k.OwnerID) {
				t.Errorf("KPI %s's owner is not named: %s", k.Name, card)
			}
		}
		if k.ID == retired && !strings.Contains(card, "retired</span>") {
			t.Errorf("the retired KPI is not marked: %s", card)
		}
	}
	if retiredAt < lastTracked {
		t.Error("a retired KPI is shown before a tracked one")
	}
	if owners == 0 {
		t.Error("no KPI of the demo has an owner to name")
	}
}

var eventRowRE = regexp.MustCompile(`<tr class="event" data-seq="(\d+)" data-type="([^"]+)">`)
var nextPage = regexp.MustCompile(`id="next-page" rel="next" href="([^"]+)"`)

// auditRows are the sequences and types of the events on an audit page.
func auditRows(body string) (seqs []string, types []string) {
	for _, m := range eventRowRE.FindAllStringSubmatch(body, -1) {
		seqs, types = append(seqs, m[1]), append(types, m[2])
	}
	return seqs, types
}

func TestTheAuditPageFiltersByTypeAndPagesWithTheCursor(t *testing.T) {
	_, admin, b := teamSession(t)
	var want []string
	cursor := ""
	for {
		var p api.Page[api.EventView]
		if err := admin.do(context.Background(), http.MethodGet, "/v1/events?type=vote_cast&limit=500&cursor="+cursor, nil, &p); err != nil {
			t.Fatal(err)
		}
		for _, ev := range p.Items {
			want = append(want, fmt.Sprint(ev.Seq))
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if len(want) <= 5 {
		t.Fatalf("the demo has %d votes, too few to page", len(want))
	}
	var got []string
	path, pages := "/audit?type=vote_cast&limit=5", 0
	for path != "" {
		page := b.get(path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s answered %d: %s", path, page.Status, page.Body)
		}
		seqs, types := auditRows(page.Body)
		for _, typ := range types {
			if typ != "cx.initiative.vote_cast" {
				t.Fatalf("%s shows an event of type %s", path, typ)
			}
		}
		if len(seqs) > 5 {
			t.Fatalf("%s shows %d events, more than its limit", path, len(seqs))
		}
		got = append(got, seqs...)
		path = ""
		if m := nextPage.FindStringSubmatch(page.Body); m != nil {
			path = html.UnescapeString(m[1])
			if !strings.Contains(path, "cursor="+seqs[len(seqs)-1]) || !strings.Contains(path, "type=vote_cast") {
				t.Fatalf("the next page %q is not after the page's last event %s, with its filters", path, seqs[len(seqs)-1])
			}
		}
		if pages++; pages > len(want) {
			t.Fatal("the pages do not end")
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paging the page shows the votes %v, the API %v", got, want)
	}
	bad := b.get("/audit?from=yesterday&limit=0")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "must be an RFC 3339 time") || !strings.Contains(bad.Body, `aria-describedby="f-limit-error"`) {
		t.Errorf("bad filters answered %d: %s", bad.Status, bad.Body)
	}
}

func TestTheAuditFormHasEveryFilterOfTheEventLog(t *testing.T) {
	_, _, b := teamSession(t)
	page := b.get("/audit")
	for _, f := range reflect.VisibleFields(reflect.TypeFor[api.EventQuery]()) {
		name := f.Tag.Get("query")
		if name == "" {
			continue // the embedded filters, whose own fields follow
		}
		if !strings.Contains(page.Body, `name="`+name+`"`) || !strings.Contains(page.Body, `<label for="f-`+name+`"`) || !strings.Contains(page.Body, `id="f-`+name+`"`) {
			t.Errorf("the audit form has no labelled %s filter", name)
		}
	}
	from := b.get("/audit?from=" + url.QueryEscape(demoNow.Now().Add(-time.Hour).Format("2006-01-02T15:04")))
	if from.Status != http.StatusOK {
		t.Errorf("a datetime-local from answered %d", from.Status)
	}
}

func TestTheHistoryPageShowsAnInitiativesEvents(t *testing.T) {
	_, admin, b := teamSession(t)
	ctx := context.Background()
	var ins api.Page[projections.InitiativeCard]
	if err := admin.do(ctx, http.MethodGet, "/v1/initiatives?limit=1", nil, &ins); err != nil {
		t.Fatal(err)
	}
	in := ins.Items[0]
	var h api.History
	if err := admin.do(ctx, http.MethodGet, "/v1/initiatives/"+in.ID+"/history", nil, &h); err != nil {
		t.Fatal(err)
	}
	page := b.get("/audit/history?kind=initiative&id=" + in.ID)
	if page.Status != http.StatusOK {
		t.Fatalf("the history answered %d: %s", page.Status, page.Body)
	}
	var got []string
	for _, m := range regexp.MustCompile(`class="card history-event" data-seq="(\d+)" data-event="([a-z_]+)"`).FindAllStringSubmatch(page.Body, -1) {
		got = append(got, m[1]+" "+m[2])
	}
	var want []string
	for _, ev := range h.Events {
		want = append(want, fmt.Sprintf("%d %s", ev.Seq, ev.Event))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the history shows %v, the API %v", got, want)
	}
	for _, part := range []string{"<dt>title</dt><dd>" + html.EscapeString(in.Title), "initiative proposed"} {
		if !strings.Contains(page.Body, part) {
			t.Errorf("the history lacks %q", part)
		}
	}
	if a := b.get("/audit/history?kind=nonsense&id=x"); a.Status != http.StatusBadRequest || !strings.Contains(a.Body, "person, crew, initiative") {
		t.Errorf("an unknown kind answered %d: %s", a.Status, a.Body)
	}
	if a := b.get("/audit/history?kind=initiative&id=01ARZ3NDEKTSV4RRFFQ69G5FAV"); a.Status != http.StatusNotFound {
		t.Errorf("an unknown initiative answered %d: %s", a.Status, a.Body)
	}
	// The log links each event to its entity's history, a feedback item's
	// by its own id rather than its touchpoint's partition.
	log := b.get("/audit?aggregate=feedback&limit=1")
	m := regexp.MustCompile(`class="history-link" href="([^"]+)"`).FindStringSubmatch(log.Body)
	if m == nil {
		t.Fatalf("the log links no feedback to its history: %s", log.Body)
	}
	if a := b.get(html.UnescapeString(m[1])); a.Status != http.StatusOK || !strings.Contains(a.Body, "feedback logged") {
		t.Errorf("a feedback item's history %s answered %d: %s", m[1], a.Status, a.Body)
	}
}

func TestTheAuditPageShowsTheDigestAndAVerifyCommandThatPasses(t *testing.T) {
	m, admin, b := teamSession(t)
	var d api.DigestView
	if err := admin.do(context.Background(), http.MethodGet, "/v1/audit/digest", nil, &d); err != nil {
		t.Fatal(err)
	}
	page := b.get("/audit")
	i := strings.Index(page.Body, `id="digest"`)
	if i < 0 {
		t.Fatalf("no digest on the audit page: %s", page.Body)
	}
	section := page.Body[i : i+strings.Index(page.Body[i:], "</section>")]
	cmd := fmt.Sprintf("cxtracker verify --digest %d:%s", d.Seq, d.Digest)
	if !strings.Contains(section, fmt.Sprintf(`<dd class="digest-seq">%d</dd>`, d.Seq)) || !strings.Contains(section, `<code id="verify-command">`+cmd+`</code>`) {
		t.Fatalf("the digest section lacks seq %d or %q: %s", d.Seq, cmd, section)
	}
	if !strings.Contains(page.Body, `id="quarantine" aria-labelledby="quarantine-h" data-count="0"`) {
		t.Error("the quarantine count is not shown")
	}
	// The command, as the page prints it, verifies the log.
	m.Close()
	args := append(strings.Fields(cmd)[2:], "--data", m.Config.Data)
	var out, errs strings.Builder
	if code := run(append([]string{"verify"}, args...), func(string) string { return "" }, &out, &errs); code != 0 {
		t.Fatalf("the page's verify command answered %d: %s %s", code, out.String(), errs.String())
	}
}
