package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cxtracker/projections"
)

// councilRoom is a demo tracker with a signed-in browser for the chair
// and for each other council member, and the admin's API client to check
// what was written.
type councilRoom struct {
	t       *testing.T
	m       *Main
	admin   *client
	chair   *browserSession
	members []*browserSession
}

func newCouncilRoom(t *testing.T) *councilRoom {
	m, admin := demoTracker(t)
	r := &councilRoom{t: t, m: m, admin: admin}
	chair, _ := personToken(t, admin, councilChair)
	r.chair = r.browser(chair)
	var council projections.CouncilView
	r.api(http.MethodGet, "/v1/council", nil, &council)
	for _, mem := range council.Members {
		if !mem.Chair {
			token, _ := personToken(t, admin, func(p deskPerson) bool { return p.ID == mem.PersonID })
			r.members = append(r.members, r.browser(token))
		}
	}
	if len(r.members) < 4 {
		t.Fatalf("the demo council has fewer than 4 members beside the chair: %+v", council)
	}
	return r
}

// browser is a new browser signed in with token.
func (r *councilRoom) browser(token string) *browserSession {
	b := newBrowserSession(r.t, "http://"+r.m.HTTPAddr())
	b.signIn(token)
	return b
}

func (r *councilRoom) api(method, path string, body, out any) {
	r.t.Helper()
	if err := r.admin.do(context.Background(), method, path, body, out); err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
}

// initiativeTitled is the id of the initiative with this title.
func (r *councilRoom) initiativeTitled(title string) string {
	r.t.Helper()
	var board struct{ Items []projections.InitiativeCard }
	r.api(http.MethodGet, "/v1/initiatives?limit=500", nil, &board)
	for _, c := range board.Items {
		if c.Title == title {
			return c.ID
		}
	}
	r.t.Fatalf("no initiative is titled %q", title)
	return ""
}

// historyLen counts the initiative's events in the log.
func (r *councilRoom) historyLen(id string) int {
	r.t.Helper()
	var h struct{ Events []json.RawMessage }
	r.api(http.MethodGet, "/v1/initiatives/"+id+"/history", nil, &h)
	return len(h.Events)
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// sendForm fills the form at action on the initiative's page as b sees it
// now (its _csrf and the version the page was drawn at) and posts it.
func sendForm(t *testing.T, b *browserSession, id, action string, form url.Values) pageAnswer {
	t.Helper()
	page := b.get("/initiatives/" + id)
	if page.Status != http.StatusOK {
		t.Fatalf("the initiative's page answered %d: %s", page.Status, page.Body)
	}
	form.Set("_csrf", csrfField.FindStringSubmatch(page.Body)[1])
	if m := versionField.FindStringSubmatch(page.Body); m != nil && !form.Has("version") {
		form.Set("version", m[1])
	}
	return b.post("/initiatives/"+id+"/"+action, form)
}

// mustRedirect fails unless a form post succeeded: 303 back to the page.
func mustRedirect(t *testing.T, a pageAnswer, to string) {
	t.Helper()
	if a.Status != http.StatusSeeOther || a.Location != to {
		t.Fatalf("the form answered %d to %q, not 303 to %q: %s", a.Status, a.Location, to, a.Body)
	}
}

// formBlock is the part of a page from the element with id to the end of
// its form.
func formBlock(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element %q on the page: %s", id, body)
	}
	j := strings.Index(body[i:], "</form>")
	return body[i : i+j]
}

// noticeBefore is the .form-error block shown just before the form with id.
func noticeBefore(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no form %q on the page", id)
	}
	k := strings.LastIndex(body[:i], `class="form-error"`)
	if k < 0 || strings.Contains(body[k:i], "</form>") {
		t.Fatalf("no problem shown beside %s: %s", id, body)
	}
	return body[k:i]
}

func TestTheCouncilProposesVotesAndDecidesFromThePages(t *testing.T) {
	r := newCouncilRoom(t)
	alice, bob, carol := r.members[0], r.members[1], r.members[2]

	// A member proposes through the board's form and sees the card.
	const title = "Answer every complaint within a day"
	board := alice.get("/initiatives")
	for _, hook := range []string{`id="board"`, `id="propose-form"`, `data-status="proposed"`, `data-status="in_progress"`, `data-status="cancelled"`} {
		if !strings.Contains(board.Body, hook) {
			t.Fatalf("the board lacks %s", hook)
		}
	}
	a := alice.post("/initiatives", url.Values{"_csrf": {csrfField.FindStringSubmatch(board.Body)[1]}, "title": {title},
		"problem": {"Complaints wait a week for a first answer."}})
	if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/initiatives") {
		t.Fatalf("proposing answered %d to %q: %s", a.Status, a.Location, a.Body)
	}
	id := r.initiativeTitled(title)
	board = alice.get("/initiatives")
	proposed := board.Body[strings.Index(board.Body, `data-status="proposed"`):strings.Index(board.Body, `data-status="approved"`)]
	if !strings.Contains(proposed, `class="card initiative" data-initiative="`+id+`"`) || !strings.Contains(proposed, title) {
		t.Fatalf("the new initiative is not in the board's proposed column: %s", proposed)
	}
	page := "/initiatives/" + id

	// Alice votes, then changes her mind; Bob votes with a comment that
	// holds markup.
	mustRedirect(t, sendForm(t, alice, id, "vote", url.Values{"vote": {"reject"}, "comment": {"Too costly for one quarter."}}), page)
	mustRedirect(t, sendForm(t, alice, id, "vote", url.Values{"vote": {"approve"}, "comment": {"The pilot numbers convinced me."}}), page)
	mustRedirect(t, sendForm(t, bob, id, "vote", url.Values{"vote": {"approve"}, "comment": {"<b>Yes</b>, at last"}}), page)

	// Two of five seats have voted: a member may not decide, and the chair
	// only with a rationale. Each refusal shows beside the decide form, in
	// the API's words, and writes nothing.
	before := r.historyLen(id)
	a = sendForm(t, bob, id, "decide", url.Values{"outcome": {"approved"}, "rationale": {"Two are enough."}})
	if a.Status != http.StatusConflict || !strings.Contains(noticeBefore(t, a.Body, "decide-form"), "only the chair decides without a quorum") {
		t.Fatalf("a member deciding without a quorum answered %d: %s", a.Status, a.Body)
	}
	if !strings.Contains(formBlock(t, a.Body, "decide-form"), "Two are enough.") {
		t.Error("the refused form lost what was typed")
	}
	a = sendForm(t, r.chair, id, "decide", url.Values{"outcome": {"approved"}, "rationale": {"  "}})
	if a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the chair deciding without a rationale answered %d: %s", a.Status, a.Body)
	}
	decide := formBlock(t, a.Body, "decide-form")
	if !strings.Contains(decide, `aria-describedby="decide-rationale-error"`) ||
		!regexp.MustCompile(`id="decide-rationale-error" class="field-error">is required when the chair decides without a quorum`).MatchString(decide) {
		t.Fatalf("the rationale's message is not beside its field: %s", decide)
	}
	// A vote that is not one of the API's: its message stands beside the
	// choices.
	a = sendForm(t, carol, id, "vote", url.Values{"comment": {"Forgot to choose"}})
	if a.Status != http.StatusUnprocessableEntity || !strings.Contains(formBlock(t, a.Body, "vote-form"), `id="vote-vote-error"`) {
		t.Fatalf("a vote without a choice answered %d: %s", a.Status, a.Body)
	}
	if got := r.historyLen(id); got != before {
		t.Fatalf("refused forms wrote %d events", got-before)
	}

	// A page drawn before someone else's vote is stale: its vote is
	// refused with a clear message, and nothing is written.
	stale := carol.get(page)
	mustRedirect(t, sendForm(t, r.members[3], id, "vote", url.Values{"vote": {"abstain"}}), page)
	before = r.historyLen(id)
	a = carol.post(page+"/vote", url.Values{"_csrf": {csrfField.FindStringSubmatch(stale.Body)[1]},
		"version": {versionField.FindStringSubmatch(stale.Body)[1]}, "vote": {"approve"}})
	if a.Status != http.StatusPreconditionFailed || !strings.Contains(noticeBefore(t, a.Body, "vote-form"), "Someone changed this meanwhile") {
		t.Fatalf("a vote from a stale page answered %d: %s", a.Status, a.Body)
	}
	if got := r.historyLen(id); got != before {
		t.Fatal("a vote from a stale page was written")
	}

	// Three of five voted: a member records the decision.
	mustRedirect(t, sendForm(t, carol, id, "decide", url.Values{"outcome": {"approved"}, "rationale": {"Complaints are our loudest signal."}}), page)
	in := carol.get(page).Body
	if !strings.Contains(in, `id="decision" data-outcome="approved"`) || strings.Contains(in, `id="vote-form"`) || !strings.Contains(in, `id="owner-form"`) {
		t.Fatalf("after the decision the page does not show it, or still offers a vote: %s", in)
	}
	for _, words := range []string{"Voted reject: “Too costly for one quarter.”", "Changed their vote from reject to approve", "Decided: approved, with a quorum"} {
		if !strings.Contains(in, words) {
			t.Errorf("the history lacks %q", words)
		}
	}

	// The decision is on another session's timeline with its votes.
	tl := r.chair.get("/decisions")
	i := strings.Index(tl.Body, `class="decision card" data-initiative="`+id+`"`)
	if tl.Status != http.StatusOK || i < 0 || !strings.Contains(tl.Body, `id="timeline"`) {
		t.Fatalf("the timeline (%d) lacks the decision: %s", tl.Status, tl.Body)
	}
	entry := tl.Body[i:]
	entry = entry[:strings.Index(entry, "</li>")]
	for _, want := range []string{title, "Complaints wait a week for a first answer.", "The pilot numbers convinced me.",
		"Changed from <strong>reject</strong>", "Too costly for one quarter.", "&lt;b&gt;Yes&lt;/b&gt;, at last",
		"Quorum met", "2 approve, 0 reject, 1 abstain; 3 of 5 seats voted", "Complaints are our loudest signal.", `<dd class="status">approved</dd>`} {
		if !strings.Contains(entry, want) {
			t.Errorf("the timeline's entry lacks %q: %s", want, entry)
		}
	}
	if strings.Contains(entry, "<b>Yes</b>") {
		t.Error("a comment's markup reached the page")
	}

	// A vote sent after the decision (from an old page) is refused beside
	// the vote form, which shows again for it.
	a = carol.post(page+"/vote", url.Values{"_csrf": {csrfField.FindStringSubmatch(in)[1]}, "vote": {"reject"}})
	if a.Status != http.StatusConflict || !strings.Contains(noticeBefore(t, a.Body, "vote-form"), "votes are taken only before the decision") {
		t.Fatalf("a vote after the decision answered %d: %s", a.Status, a.Body)
	}
}

func TestTheProposeFormShowsTheAPIsProblemBesideItsField(t *testing.T) {
	r := newCouncilRoom(t)
	b := r.members[0]
	var before struct{ Items []projections.InitiativeCard }
	r.api(http.MethodGet, "/v1/initiatives?limit=500", nil, &before)
	a := b.post("/initiatives", url.Values{"_csrf": {b.csrf("/initiatives")}, "title": {""}, "problem": {"Kept as typed"}})
	if a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty title answered %d: %s", a.Status, a.Body)
	}
	form := formBlock(t, a.Body, "propose-form")
	if !regexp.MustCompile(`id="propose-title-error" class="field-error">[^<]+`).MatchString(form) || !strings.Contains(form, "Kept as typed") {
		t.Fatalf("the title's message is not beside it, or the problem was lost: %s", form)
	}
	var after struct{ Items []projections.InitiativeCard }
	r.api(http.MethodGet, "/v1/initiatives?limit=500", nil, &after)
	if len(after.Items) != len(before.Items) {
		t.Fatal("a refused proposal was written")
	}
}

func TestAnOwnerIsAssignedAndProgressReportedFromThePage(t *testing.T) {
	r := newCouncilRoom(t)
	id := r.initiativeTitled("Self-service invoice portal") // approved, no owner yet
	page := "/initiatives/" + id
	token, _ := personToken(t, r.admin, cxManager)
	manager := r.browser(token)
	var people struct{ Items []projections.PersonView }
	r.api(http.MethodGet, "/v1/people?limit=500", nil, &people)
	expert := ""
	for _, p := range people.Items {
		if p.Roles.Expert != nil && !p.Left {
			expert = p.ID
		}
	}
	body := manager.get(page).Body
	if !strings.Contains(body, `id="owner-form"`) || !strings.Contains(body, `id="start-form"`) || strings.Contains(body, `id="progress-form"`) {
		t.Fatalf("an approved initiative's page does not offer owner and start only: %s", body)
	}
	mustRedirect(t, sendForm(t, manager, id, "owner", url.Values{"person_id": {expert}}), page)
	mustRedirect(t, sendForm(t, manager, id, "start", url.Values{}), page)

	before := r.historyLen(id)
	for _, bad := range []struct{ percent, says string }{{"lots", "must be a whole number"}, {"150", "must be from 0 to 100"}} {
		a := sendForm(t, manager, id, "progress", url.Values{"note": {"Half the screens are built."}, "percent_complete": {bad.percent}})
		form := formBlock(t, a.Body, "progress-form")
		if a.Status != http.StatusUnprocessableEntity || !strings.Contains(form, `id="progress-percent-error" class="field-error">`+bad.says) {
			t.Fatalf("percent %q answered %d: %s", bad.percent, a.Status, form)
		}
	}
	if r.historyLen(id) != before {
		t.Fatal("refused progress was written")
	}
	mustRedirect(t, sendForm(t, manager, id, "progress", url.Values{"note": {"Half the screens are built."}, "percent_complete": {"50"}}), page)
	board := manager.get("/initiatives").Body
	col := board[strings.Index(board, `data-status="in_progress"`):strings.Index(board, `data-status="completed"`)]
	card := col[strings.Index(col, `data-initiative="`+id+`"`):]
	card = card[:strings.Index(card, "</li>")]
	if !strings.Contains(card, "50% done") || !strings.Contains(card, "Owner: ") {
		t.Fatalf("the board's card lacks its owner or progress: %s", card)
	}

	// The compact completion form: refused without an outcome (it opens
	// with the API's message beside its field), then accepted.
	before = r.historyLen(id)
	a := sendForm(t, manager, id, "complete", url.Values{"outcome": {""}})
	form := formBlock(t, a.Body, "complete-form")
	if a.Status != http.StatusUnprocessableEntity || !strings.Contains(form, `id="complete-outcome-error" class="field-error">`) ||
		!strings.Contains(a.Body, `<details class="more-action" open>`) {
		t.Fatalf("an empty outcome answered %d: %s", a.Status, form)
	}
	if r.historyLen(id) != before {
		t.Fatal("a refused completion was written")
	}
	mustRedirect(t, sendForm(t, manager, id, "complete", url.Values{"outcome": {"Invoice calls fell by a fifth."}}), page)
	in := manager.get(page).Body
	for _, words := range []string{"Made ", "Started the work", "Reported progress (50%): Half the screens are built.", "Completed it: Invoice calls fell by a fifth."} {
		if !strings.Contains(in, words) {
			t.Errorf("the history lacks %q", words)
		}
	}
	if !strings.Contains(in, `data-status="completed"`) || strings.Contains(in, `id="progress-form"`) || !strings.Contains(in, "nothing more is done with it") {
		t.Errorf("a completed initiative's page still offers its forms: %s", in)
	}
}

func TestAnAmbassadorVotingGetsTheRolesPage(t *testing.T) {
	r := newCouncilRoom(t)
	id := r.initiativeTitled("Recognise the ambassadors")
	token, _ := personToken(t, r.admin, ambassador)
	amb := r.browser(token)
	before := r.historyLen(id)
	a := sendForm(t, amb, id, "vote", url.Values{"vote": {"approve"}})
	if a.Status != http.StatusForbidden || !strings.Contains(a.Body, "Your roles") || !strings.Contains(a.Body, "CX ambassador for ") {
		t.Fatalf("an ambassador's vote answered %d: %s", a.Status, a.Body)
	}
	if strings.Contains(a.Body, `id="vote-form"`) {
		t.Error("the 403 was shown beside the form, not as the roles page")
	}
	if r.historyLen(id) != before {
		t.Fatal("an ambassador's vote was written")
	}
}

func TestTheDecisionTimelineFiltersAndDownloadsTheCouncilReport(t *testing.T) {
	r := newCouncilRoom(t)
	b := r.members[0]
	tl := b.get("/decisions?outcome=rejected")
	if tl.Status != http.StatusOK || strings.Count(tl.Body, `class="decision card"`) != 1 || strings.Count(tl.Body, `data-outcome="rejected"`) != 1 {
		t.Fatalf("the rejected decisions (%d): %s", tl.Status, tl.Body)
	}
	for _, hook := range []string{`id="download-md"`, `id="download-csv"`, `id="download-json"`} {
		if !strings.Contains(tl.Body, hook) {
			t.Errorf("the timeline lacks %s", hook)
		}
	}
	from, to := "2020-01-01", "2030-12-31"
	for _, f := range []struct{ format, media, starts string }{
		{"md", "text/markdown", "# Quality council report"}, {"csv", "text/csv", ""}, {"json", "application/json", "{"},
	} {
		a := b.get("/decisions/download?format=" + f.format + "&from=" + from + "&to=" + to)
		if a.Status != http.StatusOK || !strings.HasPrefix(a.Header.Get("Content-Type"), f.media) {
			t.Fatalf("%s answered %d as %q: %s", f.format, a.Status, a.Header.Get("Content-Type"), a.Body)
		}
		want := `attachment; filename="council-report-` + from + `-` + to + `.` + f.format + `"`
		if got := a.Header.Get("Content-Disposition"); got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", f.format, got, want)
		}
		if !strings.HasPrefix(a.Body, f.starts) || !strings.Contains(a.Body, "Phone support around the clock") {
			t.Errorf("%s: the report lacks the year's decisions: %.300s", f.format, a.Body)
		}
		if f.format == "json" {
			var rep projections.CouncilReport
			if err := json.Unmarshal([]byte(a.Body), &rep); err != nil || len(rep.Decisions) < 8 {
				t.Errorf("the JSON report (%v) holds %d decisions", err, len(rep.Decisions))
			}
		}
	}

	// Bad days are readable errors, never a problem document.
	a := b.get("/decisions/download?format=md&from=31/01/2026&to=" + to)
	if a.Status != http.StatusBadRequest || !strings.Contains(a.Body, "YYYY-MM-DD") || !strings.Contains(a.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("a bad day in a download answered %d: %s", a.Status, a.Body)
	}
	if a = b.get("/decisions/download?format=pdf&from=" + from); a.Status != http.StatusBadRequest || !strings.Contains(a.Body, "md, csv, json") {
		t.Fatalf("an unknown format answered %d: %s", a.Status, a.Body)
	}
	if a = b.get("/decisions/download?format=md&from=2026-05-01&to=2026-04-01"); a.Status != http.StatusBadRequest || !strings.Contains(a.Body, "must be after from") {
		t.Fatalf("a reversed period answered %d: %s", a.Status, a.Body)
	}
	a = b.get("/decisions?from=2026-13-01")
	if a.Status != http.StatusBadRequest || !strings.Contains(a.Body, `id="filter-from-error"`) || !strings.Contains(a.Body, `id="decision-filters"`) {
		t.Fatalf("a bad day on the timeline answered %d: %s", a.Status, a.Body)
	}
}

func TestAnAdministratorVotesForTheMemberItNames(t *testing.T) {
	r := newCouncilRoom(t)
	id := r.initiativeTitled("Recognise the ambassadors")
	admin := r.browser(adminTokenOf(t, r.m))
	body := admin.get("/initiatives/" + id).Body
	if !strings.Contains(formBlock(t, body, "vote-form"), `id="vote-person"`) {
		t.Fatalf("a token without a person is not asked whom it acts for: %s", body)
	}
	var council projections.CouncilView
	r.api(http.MethodGet, "/v1/council", nil, &council)
	member := council.Members[0]
	mustRedirect(t, sendForm(t, admin, id, "vote", url.Values{"vote": {"approve"}, "person_id": {member.PersonID}}), "/initiatives/"+id)
	body = r.members[0].get("/initiatives/" + id).Body
	if !regexp.MustCompile(`<td>` + regexp.QuoteMeta(member.Name) + ` <span class="muted small">\(recorded by token [0-9A-Za-z]+\)</span></td>\s*<td>Voted approve</td>`).MatchString(body) {
		t.Fatalf("the history does not say the admin's token voted for %s: %s", member.Name, body)
	}
}
