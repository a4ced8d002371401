package api_test

import (
	"net/http"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

func TestAnAccountIsOpenedChangedAndShowsWhatNamesIt(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	ann, bob := registerPersonByEngine(t, a, "Ann"), registerPersonByEngine(t, a, "Bob")
	opened := a.Must(http.StatusCreated, http.MethodPost, "/v1/accounts", map[string]any{"name": "ACME", "segment": "SMB", "owner_id": ann, "contact": "Jo <jo@acme.example>"})
	var acct projections.AccountView
	opened.JSON(t, &acct)
	if acct.ID == "" || acct.Name != "ACME" || acct.OwnerID != ann || acct.OwnerName != "Ann" || acct.Contact != "Jo <jo@acme.example>" {
		t.Fatalf("opened %+v", acct)
	}
	openedAt := opened.Header.Get(api.HeaderEventSeq)
	path := "/v1/accounts/" + acct.ID
	a.Must(http.StatusCreated, http.MethodPost, "/v1/accounts", map[string]any{"name": "Globex", "segment": "Enterprise", "owner_id": bob})

	changed := a.Must(http.StatusOK, http.MethodPatch, path, map[string]any{"owner_id": bob}, "If-Match", opened.Header.Get("ETag"))
	changed.JSON(t, &acct)
	if acct.OwnerID != bob || acct.Name != "ACME" || acct.ChangedAt == nil {
		t.Fatalf("changed %+v", acct)
	}
	a.Must(http.StatusPreconditionFailed, http.MethodPatch, path, map[string]any{"name": "ACME Ltd"}, "If-Match", opened.Header.Get("ETag"))
	a.Must(http.StatusUnprocessableEntity, http.MethodPatch, path, map[string]any{})

	tp := m.Touchpoints["Call centre"]
	var fb projections.FeedbackItem
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": 2, "source": "call_centre", "account_id": acct.ID}).JSON(t, &fb)
	if fb.AccountID != acct.ID {
		t.Fatalf("the item does not name its account: %+v", fb)
	}
	followed := a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback/"+fb.ID+"/follow-up", map[string]any{"assignee_id": ann})
	followedAt := followed.Header.Get(api.HeaderEventSeq)
	imported := a.importNDJSON(`{"touchpoint_id":"` + tp + `","metric":"csat","score":5,"source":"survey","account_id":"` + acct.ID + `"}` + "\n" +
		`{"touchpoint_id":"` + tp + `","metric":"csat","score":4,"source":"survey"}` + "\n")
	if res := imported.Map(t); res["logged"] != 2.0 {
		t.Fatalf("import %s", imported.Body)
	}
	var plan projections.ActionPlanView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/action-plans", map[string]any{"account_id": acct.ID, "title": "Win back",
		"feedback_ids": []string{fb.ID}, "actions": []map[string]any{{"description": "Call the COO"}}}).JSON(t, &plan)
	if plan.Account != "ACME" || plan.AccountID != acct.ID {
		t.Fatalf("plan %+v", plan)
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/action-plans", map[string]any{"account": "Words only", "title": "Other",
		"actions": []map[string]any{{"description": "Call"}}})

	read := a.Must(http.StatusOK, http.MethodGet, path, nil)
	var d projections.AccountDetail
	read.JSON(t, &d)
	if d.Account.OwnerName != "Bob" || len(d.Feedback) != 2 || d.FeedbackMore || len(d.FollowUps) != 1 || d.FollowUps[0].ID != fb.ID ||
		d.FollowUps[0].FollowUp.AssigneeName != "Ann" || len(d.Plans) != 1 || d.Plans[0].ID != plan.ID {
		t.Fatalf("detail %s", read.Body)
	}
	if want := (projections.AccountCounts{Feedback: 2, OpenFollowUps: 1, Plans: 1, OpenPlans: 1}); d.Account.Counts == nil || *d.Account.Counts != want {
		t.Errorf("the detail counts %+v, want %+v", d.Account.Counts, want)
	}
	if read.Header.Get("ETag") != changed.Header.Get("ETag") {
		t.Errorf("the detail's ETag %q is not the account's version %q", read.Header.Get("ETag"), changed.Header.Get("ETag"))
	}
	a.Must(http.StatusNotModified, http.MethodGet, path, nil, "If-None-Match", read.Header.Get("ETag"))

	var page struct {
		Items []projections.FeedbackItem `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback?account="+acct.ID, nil).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("feedback of the account %+v", page.Items)
	}
	a.Must(http.StatusUnprocessableEntity, http.MethodGet, "/v1/feedback?account=ACME", nil)

	var past projections.AccountDetail
	a.Must(http.StatusOK, http.MethodGet, path+"?as_of="+openedAt, nil).JSON(t, &past)
	if past.Account.OwnerID != ann || len(past.Feedback) != 0 || len(past.Plans) != 0 {
		t.Fatalf("as it was opened %+v", past)
	}
	if past.Account.Counts == nil || *past.Account.Counts != (projections.AccountCounts{}) {
		t.Errorf("as it was opened the account counts %+v", past.Account.Counts)
	}
	a.Must(http.StatusOK, http.MethodGet, path+"?as_of="+followedAt, nil).JSON(t, &past)
	if want := (projections.AccountCounts{Feedback: 1, OpenFollowUps: 1}); *past.Account.Counts != want {
		t.Errorf("as its follow-up opened the account counts %+v, want %+v", past.Account.Counts, want)
	}
	var hist api.History
	a.Must(http.StatusOK, http.MethodGet, path+"/history", nil).JSON(t, &hist)
	if len(hist.Events) != 2 || hist.Events[1].Type != events.Type(events.KindAccount, events.EventAccountChanged) {
		t.Fatalf("history %+v", hist)
	}

	var list struct {
		Items []projections.AccountView `json:"items"`
	}
	for q, want := range map[string]int{"": 2, "?segment=SMB": 1, "?owner=" + bob: 2, "?owner=" + ann: 0, "?segment=SMB&owner=" + bob: 1} {
		a.Must(http.StatusOK, http.MethodGet, "/v1/accounts"+q, nil).JSON(t, &list)
		if len(list.Items) != want {
			t.Errorf("GET /v1/accounts%s listed %d, want %d", q, len(list.Items), want)
		}
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/accounts?segment=SMB", nil).JSON(t, &list)
	if c := list.Items[0].Counts; c == nil || c.Feedback != 2 || c.OpenFollowUps != 1 || c.Plans != 1 {
		t.Errorf("the list counts %+v", c)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/accounts?segment=SMB&as_of="+followedAt, nil).JSON(t, &list)
	if c := list.Items[0].Counts; c == nil || c.Feedback != 1 || c.OpenFollowUps != 1 || c.Plans != 0 {
		t.Errorf("the list as the follow-up opened counts %+v", c)
	}
	a.Must(http.StatusUnprocessableEntity, http.MethodGet, "/v1/accounts?owner=bob", nil)
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/accounts/"+events.NewID(), nil)
}

func TestWhatNamesAnAccountNobodyOpenedIsRefused(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	ann := registerPersonByEngine(t, a, "Ann")
	nobody := events.NewID()
	tp := m.Touchpoints["Call centre"]
	for name, r := range map[string]Response{
		"feedback": a.Do(http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": 2, "source": "survey", "account_id": nobody}),
		"plan": a.Do(http.MethodPost, "/v1/action-plans", map[string]any{"account": "ACME", "account_id": nobody, "title": "T",
			"actions": []map[string]any{{"description": "Call"}}}),
	} {
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"account_id"`) || !strings.Contains(string(r.Body), "names no account") {
			t.Errorf("%s naming no account answered %d %s", name, r.Status, r.Body)
		}
	}
	imported := a.importNDJSON(`{"touchpoint_id":"` + tp + `","metric":"nps","score":5,"source":"survey","account_id":"` + nobody + `"}` + "\n")
	var res api.ImportResult
	imported.JSON(t, &res)
	if res.Logged != 0 || res.Rejected != 1 || len(res.Errors) != 1 || res.Errors[0].Field != "account_id" || res.Errors[0].Line != 1 {
		t.Fatalf("import %s", imported.Body)
	}
	for name, body := range map[string]map[string]any{
		"an owner nobody is": {"name": "ACME", "segment": "SMB", "owner_id": nobody},
		"no segment":         {"name": "ACME", "owner_id": ann},
	} {
		if r := a.Do(http.MethodPost, "/v1/accounts", body); r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s answered %d", name, r.Status)
		}
	}
	var page struct {
		Items []projections.AccountView `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/accounts", nil).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("a refused account was written: %+v", page.Items)
	}
}
