package main

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cxtracker/projections"
)

// TestTheAccountPagesShowTheDemosAccountsWithTheirFeedbackFollowUpsAndPlans
// walks the accounts in a real browser as the CX manager: the list shows
// the demo's accounts with their owners by name and what names them
// counted as the API counts it, filtered by segment and as they stood on
// a past day; an account's page shows its feedback, follow-ups and plan;
// the follow-up queue links to the account an item names; and the owner
// form hands an account over, or says readably why not.
func TestTheAccountPagesShowTheDemosAccountsWithTheirFeedbackFollowUpsAndPlans(t *testing.T) {
	m, admin := demoTracker(t)
	base := "http://" + m.HTTPAddr()
	var accounts struct{ Items []projections.AccountView }
	admin.must(t, "/v1/accounts?limit=500", &accounts)
	if len(accounts.Items) != len(demoAccounts) {
		t.Fatalf("the demo opened %d accounts, want %d", len(accounts.Items), len(demoAccounts))
	}
	byName := map[string]projections.AccountView{}
	for _, a := range accounts.Items {
		byName[a.Name] = a
	}
	token, manager := personToken(t, admin, cxManager)
	tab := newTab(t, newBrowser(t), base)
	tab.signIn(token)

	t.Run("the list", func(t *testing.T) {
		tab.open("/")
		tab.do("open the accounts from the menu", chromedp.Click(chromedp.CSS("nav[aria-label=Main] a[href='/accounts']")),
			chromedp.WaitVisible(chromedp.ID("accounts")))
		rows := evalIn[[][]string](tab, `Array.from(document.querySelectorAll("#accounts tr.account")).map(tr => [tr.dataset.account, ...Array.from(tr.children).map(c => c.textContent.trim())])`)
		if len(rows) != len(demoAccounts) {
			t.Fatalf("the list shows %d accounts, want %d: %v", len(rows), len(demoAccounts), rows)
		}
		total := 0
		for _, row := range rows {
			a, ok := byName[row[1]]
			if !ok || a.ID != row[0] {
				t.Errorf("the list shows %q (%s), which the API does not", row[1], row[0])
				continue
			}
			feedback := feedbackOf(t, admin, url.Values{"account": {a.ID}})
			open := 0
			for _, it := range openFollowUpItems(t, admin) {
				if it.AccountID == a.ID {
					open++
				}
			}
			want := []string{a.Name, a.Segment, a.OwnerName, strconv.Itoa(len(feedback)), strconv.Itoa(open), "1"}
			total += len(feedback)
			if a.OwnerName == "" || !slices.Equal(row[1:], want) {
				t.Errorf("the row of %s reads %q, want %q", a.Name, row[1:], want)
			}
		}
		if total == 0 {
			t.Error("no account of the demo has feedback")
		}
		tab.screenshot("accounts")
	})

	t.Run("by segment", func(t *testing.T) {
		tab.open("/accounts")
		tab.do("choose Enterprise", chromedp.Click(chromedp.CSS("nav[aria-label=Segment] a[href='/accounts?segment=Enterprise']")),
			chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Segment] a[aria-current=page][href='/accounts?segment=Enterprise']")))
		names := evalIn[[]string](tab, `Array.from(document.querySelectorAll("#accounts tr.account th a")).map(a => a.textContent)`)
		if want := []string{"Contoso Retail", "Fabrikam Health"}; !slices.Equal(names, want) {
			t.Errorf("the Enterprise segment lists %v, want %v", names, want)
		}
	})

	t.Run("an account's page", func(t *testing.T) {
		a := byName["Northwind Traders"]
		tab.open("/accounts")
		tab.do("open Northwind", chromedp.Click(chromedp.CSS("#accounts tr[data-account='"+a.ID+"'] th a")),
			chromedp.WaitVisible(chromedp.ID("account-plans")))
		if h1 := tab.text("main h1"); h1 != a.Name {
			t.Errorf("the page is titled %q", h1)
		}
		if owner := tab.text("#account-owner"); owner != a.OwnerName {
			t.Errorf("the owner reads %q, want %q", owner, a.OwnerName)
		}
		var d projections.AccountDetail
		admin.must(t, "/v1/accounts/"+a.ID, &d)
		all := feedbackOf(t, admin, url.Values{"account": {a.ID}})
		if counts, want := tab.text("#account-counts"), strconv.Itoa(len(all))+" items, "; !strings.HasPrefix(counts, want) {
			t.Errorf("the page counts %q, want it to begin %q (the account's feedback listed)", counts, want)
		}
		shown := evalIn[[]string](tab, `Array.from(document.querySelectorAll("#account-feedback li.feedback")).map(li => li.dataset.feedback)`)
		if len(shown) == 0 || len(d.Feedback) == 0 {
			t.Fatalf("the page shows %d feedback items, the API %d", len(shown), len(d.Feedback))
		}
		slices.SortFunc(all, func(a, b projections.FeedbackItem) int {
			return cmp.Or(b.OccurredAt.Compare(a.OccurredAt), strings.Compare(b.ID, a.ID))
		})
		for i, id := range shown {
			if i >= len(all) || all[i].ID != id {
				t.Fatalf("the page shows %v, not the newest of the account's feedback listed", shown)
			}
		}
		first := tab.text("#account-feedback li.feedback")
		if !strings.Contains(first, "score") || strings.Contains(first, a.ID) {
			t.Errorf("the newest item reads %q", first)
		}
		followUps := evalIn[[]string](tab, `Array.from(document.querySelectorAll("#account-follow-ups tbody tr")).map(tr => tr.className + " " + tr.dataset.feedback)`)
		if len(followUps) != len(d.FollowUps) || len(followUps) == 0 {
			t.Errorf("the page shows follow-ups %v, the API %d", followUps, len(d.FollowUps))
		}
		if i := slices.IndexFunc(followUps, func(s string) bool { return strings.HasPrefix(s, "fu-closed") }); i >= 0 &&
			slices.ContainsFunc(followUps[i:], func(s string) bool { return strings.HasPrefix(s, "fu-open") }) {
			t.Errorf("an open follow-up is listed after a closed one: %v", followUps)
		}
		if len(d.Plans) != 1 {
			t.Fatalf("the API gives Northwind %d plans", len(d.Plans))
		}
		plan := tab.text("#account-plans article.plan")
		if !strings.Contains(plan, d.Plans[0].Title) || !strings.Contains(strings.ToLower(plan), planWords[d.Plans[0].Status]) {
			t.Errorf("the plan reads %q, want its title %q and status %s", plan, d.Plans[0].Title, d.Plans[0].Status)
		}
		tab.screenshot("account")
	})

	t.Run("as it stood on the day it was opened", func(t *testing.T) {
		a := byName["Contoso Retail"]
		day := a.OpenedAt.UTC().Format("2006-01-02")
		tab.open("/accounts?as_of=" + day)
		if got := evalIn[string](tab, "document.getElementById('as-of-banner').dataset.asOf"); got != day {
			t.Errorf("the banner says %q", got)
		}
		owner := tab.text("#accounts tr[data-account='" + a.ID + "'] td:nth-of-type(2)")
		if owner != manager {
			t.Errorf("on %s the owner reads %q, want the CX manager %q who opened it", day, owner, manager)
		}
		if n := evalIn[int](tab, "document.querySelectorAll('#open-form').length"); n != 0 {
			t.Error("a past day shows the open form")
		}
		tab.do("open the account on that day", chromedp.Click(chromedp.CSS("#accounts tr[data-account='"+a.ID+"'] th a")),
			chromedp.WaitVisible(chromedp.ID("account-plans")))
		if got := evalIn[string](tab, "location.search"); got != "?as_of="+day {
			t.Errorf("the account's link left the day: %q", got)
		}
		if owner := tab.text("#account-owner"); owner != manager {
			t.Errorf("the page on %s names owner %q", day, owner)
		}
	})

	t.Run("the queue and the touchpoint link to the account", func(t *testing.T) {
		a := byName["Fabrikam Health"]
		tp := demoJourney(t, admin).Stages[0].Touchpoints[0]
		var it projections.FeedbackItem
		ctx := context.Background()
		if err := admin.do(ctx, http.MethodPost, "/v1/feedback", obj{"touchpoint_id": tp.ID, "metric": "nps", "score": 2, "source": "survey",
			"comment": "Nobody called us back.", "account_id": a.ID}, &it); err != nil {
			t.Fatal(err)
		}
		if err := admin.do(ctx, http.MethodPost, "/v1/feedback/"+it.ID+"/follow-up", nil, nil); err != nil {
			t.Fatal(err)
		}
		tab.open("/journeys/" + tp.JourneyID + "/touchpoints/" + tp.ID)
		if link := tab.text("#comments a.account-link"); link != a.Name {
			t.Errorf("the touchpoint's newest comment links to %q, want %q", link, a.Name)
		}
		tab.open("/follow-ups")
		sel := "#queue li[data-feedback='" + it.ID + "'] a.account-link"
		if link := tab.text(sel); link != a.Name {
			t.Errorf("the queue's row links to %q, want %q", link, a.Name)
		}
		tab.do("follow the link", chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.ID("account-plans")))
		if n := evalIn[int](tab, "document.querySelectorAll(\"#account-follow-ups tr.fu-open[data-feedback='"+it.ID+"']\").length"); n != 1 {
			t.Errorf("the account's page lists the new follow-up %d times", n)
		}
		if text := tab.text("#account-feedback li.feedback"); !strings.Contains(text, "Nobody called us back.") {
			t.Errorf("the newest feedback on the account's page reads %q", text)
		}
	})

	t.Run("the owner form", func(t *testing.T) {
		a := byName["Globex Logistics"]
		tab.open("/accounts/" + a.ID)
		tab.do("hand it to nobody",
			chromedp.Click(chromedp.CSS("#owner-action summary")),
			chromedp.SetValue(chromedp.ID("owner-person"), ""),
			chromedp.Click(chromedp.CSS("#owner-form button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("owner-person-error")))
		if msg := tab.text("#owner-person-error"); !strings.HasPrefix(msg, "The new owner ") || strings.Contains(msg, "owner_id") {
			t.Errorf("the refusal reads %q", msg)
		}
		if got := tab.text("#account-owner"); got != a.OwnerName {
			t.Errorf("after a refusal the owner reads %q", got)
		}
		tab.do("hand it to the CX manager",
			chromedp.SetValue(chromedp.ID("owner-person"), personIDNamed(t, admin, manager)),
			chromedp.Click(chromedp.CSS("#owner-form button[type=submit]")))
		// The refused page has the same sections: wait for the redirect.
		tab.waitFor("the account's page after handing it over", "location.pathname === '/accounts/"+a.ID+"' && document.readyState === 'complete' && !document.getElementById('owner-person-error')", 10*time.Second)
		if got := tab.text("#account-owner"); got != manager {
			t.Errorf("after handing it over the owner reads %q, want %q", got, manager)
		}
	})

	t.Run("the open form", func(t *testing.T) {
		tab.open("/accounts")
		tab.do("open an account without a name",
			chromedp.Click(chromedp.CSS("#open-action summary")),
			chromedp.SendKeys(chromedp.ID("open-segment"), "Enterprise"),
			chromedp.Click(chromedp.CSS("#open-form button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("open-name-error")))
		if msg := tab.text("#open-name-error"); msg != "The name is required." {
			t.Errorf("the refusal reads %q", msg)
		}
		if got := evalIn[string](tab, "document.getElementById('open-segment').value"); got != "Enterprise" {
			t.Errorf("the segment typed was lost: %q", got)
		}
		if n := evalIn[int](tab, "document.querySelectorAll('#accounts tr.account').length"); n != len(demoAccounts) {
			t.Errorf("after a refusal the list shows %d accounts", n)
		}
		tab.do("open it with a name",
			chromedp.SendKeys(chromedp.ID("open-name"), "Initech"),
			chromedp.SetValue(chromedp.ID("open-owner_id"), personIDNamed(t, admin, manager)),
			chromedp.Click(chromedp.CSS("#open-form button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("account-plans")))
		if h1, owner := tab.text("main h1"), tab.text("#account-owner"); h1 != "Initech" || owner != manager {
			t.Errorf("the new account's page reads %q owned by %q", h1, owner)
		}
	})
}

// planWords are the words the account page writes a plan's status in.
var planWords = map[string]string{projections.PlanDrafted: "not yet shared", projections.PlanShared: "shared with the customer", projections.PlanClosed: "closed"}

// feedbackOf is every feedback item GET /v1/feedback answers for the query.
func feedbackOf(t *testing.T, c *client, q url.Values) []projections.FeedbackItem {
	t.Helper()
	q.Set("limit", "500")
	var out []projections.FeedbackItem
	for {
		var page struct {
			Items      []projections.FeedbackItem `json:"items"`
			NextCursor string                     `json:"next_cursor"`
		}
		c.must(t, "/v1/feedback?"+q.Encode(), &page)
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out
		}
		q.Set("cursor", page.NextCursor)
	}
}

// personIDNamed is the id of the person called name.
func personIDNamed(t *testing.T, c *client, name string) string {
	t.Helper()
	var people struct{ Items []deskPerson }
	c.must(t, "/v1/people?limit=500", &people)
	for _, p := range people.Items {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no person is called %q", name)
	return ""
}
