package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// demoVote is one council member's vote.
type demoVote struct{ member, vote, comment string }

// demoReport is one progress report on an initiative.
type demoReport struct {
	note    string
	percent int
}

// demoInitiative is an initiative and what becomes of it. Every status of
// the board appears: proposed, approved, rejected, deferred, in progress,
// completed and cancelled.
type demoInitiative struct {
	title, problem, proposer      string
	stages, touchpoints, kpis     []string
	votes                         []demoVote
	decidedBy, outcome, rationale string
	owner, crew                   string
	start                         bool
	progress                      []demoReport
	completion, cancellation      string
	days                          demoDays
}

// demoDays are the days of the year (from 0) an initiative's story takes
// place on: proposed, decided, work started, and completed or cancelled
// (end). Votes fall between the proposal and the decision, progress
// reports between the start and the end. A decision minutedLate days late
// is dated on its day but written only when the timeline has reached that
// many days further: the one decision the demo records late.
type demoDays struct {
	propose, decide, start, end, minutedLate int
}

var demoInitiatives = []demoInitiative{
	{title: "Make the data import work the first time", days: demoDays{propose: 15, decide: 40, start: 70, end: 290},
		problem:  "A third of new customers fail their first data import; onboarding effort is the worst score of the journey and first value slips by weeks.",
		proposer: "product_director", stages: []string{"Activation"}, touchpoints: []string{"data_import"}, kpis: []string{"onboarding_ces", "time_to_value"},
		votes: []demoVote{{"cs_director", "approve", "A fifth of onboarding calls to the hotline are import problems."},
			{"sales_director", "approve", ""}, {"product_director", "approve", "The big rock insights found this year."},
			{"it_director", "approve", "The platform crew can staff it."}, {"marketing_director", "abstain", ""}},
		decidedBy: "cs_director", outcome: "approved", rationale: "The largest effort driver in onboarding; every week of delay costs customers their first value.",
		owner: "product_expert", crew: "onboarding", start: true,
		progress: []demoReport{{"Root causes found: date formats and file size limits cause most failures.", 25},
			{"Validation before upload in beta with ten customers.", 60}, {"Rolled out to every customer.", 90}},
		completion: "Import failures fell from 31% to 6% of first imports; onboarding effort improved from 4.7 to 2.8 within two months."},
	{title: "Call back instead of holding", days: demoDays{propose: 100, decide: 130, start: 150},
		problem:  "Customers wait on hold for up to forty minutes at peak times; the hotline has the most detractors of any touchpoint.",
		proposer: "cs_director", stages: []string{"Retention"}, touchpoints: []string{"hotline"}, kpis: []string{"support_csat"},
		votes: []demoVote{{"cs_director", "approve", ""}, {"sales_director", "reject", "Call-backs will delay urgent issues."},
			{"product_director", "approve", ""}, {"it_director", "approve", "The telephony platform supports it."},
			{"sales_director", "approve", "Changed my mind after the pilot figures: urgent calls keep their own queue."}},
		decidedBy: "cs_director", outcome: "approved", rationale: "Waiting is the first complaint at the hotline; a call-back keeps the customer's place without holding.",
		owner: "cs_expert", crew: "service", start: true,
		progress: []demoReport{{"Call-back offered on the billing queue; 64% of callers accept it.", 40}}},
	{title: "Plain-language invoices", days: demoDays{propose: 115, decide: 140, start: 180, end: 322},
		problem:  "Customers cannot match invoice lines to their contract; billing questions are the hotline's second reason for calls.",
		proposer: "marketing_director", stages: []string{"Revenue"}, touchpoints: []string{"billing"}, kpis: []string{"billing_csat"},
		votes: []demoVote{{"cs_director", "approve", ""}, {"sales_director", "approve", ""}, {"product_director", "abstain", "No product change needed."},
			{"it_director", "approve", ""}, {"marketing_director", "approve", "We will test the layout with five customers."}},
		decidedBy: "cs_director", outcome: "approved", rationale: "Cheap to do, and billing satisfaction is the lowest CSAT we measure.",
		owner: "finance_expert", crew: "service", start: true,
		progress:   []demoReport{{"New layout tested with five customers.", 50}},
		completion: "Billing satisfaction rose from 52% to 71%; invoice questions to the hotline fell by a third."},
	{title: "Phone support around the clock", days: demoDays{propose: 30, decide: 60},
		problem:  "Enterprise customers ask for phone support at night and at weekends.",
		proposer: "sales_director", stages: []string{"Retention"}, touchpoints: []string{"hotline"}, kpis: []string{"support_csat"},
		votes: []demoVote{{"sales_director", "approve", "Two enterprise deals asked for it."}, {"cs_director", "reject", "Chat already covers the night; calls at night are 3% of volume."},
			{"product_director", "reject", ""}, {"it_director", "reject", "The cost of a night shift buys the call-back system twice."}, {"marketing_director", "abstain", ""}},
		decidedBy: "cs_director", outcome: "rejected", rationale: "Night calls are 3% of volume; the call-back initiative tackles waiting first. To be revisited if the enterprise share grows."},
	{title: "Loyalty points for referrals", days: demoDays{propose: 145, decide: 165, minutedLate: 35},
		problem:  "Few customers refer others although many are promoters.",
		proposer: "marketing_director", stages: []string{"Referral"}, touchpoints: []string{"referral"}, kpis: []string{"referral_rate"},
		votes:     []demoVote{{"marketing_director", "approve", ""}, {"cs_director", "abstain", ""}, {"product_director", "reject", "Fix the reward payouts we already promise first."}},
		decidedBy: "cs_director", outcome: "deferred", rationale: "Referral rewards are not paid reliably yet; reconsider next quarter with the payout fix in place. " +
			"Minuted late: taken at the council's meeting and entered from its minutes five weeks later."},
	{title: "Proactive renewal health check", days: demoDays{propose: 190, decide: 205, start: 215, end: 300},
		problem:  "Renewal quotes arrive late and customers feel the price rise is unexplained.",
		proposer: "sales_director", stages: []string{"Revenue"}, touchpoints: []string{"renewal"}, kpis: []string{"grr"},
		votes:     []demoVote{{"sales_director", "approve", ""}, {"cs_director", "approve", ""}, {"product_director", "approve", ""}, {"it_director", "approve", ""}},
		decidedBy: "cs_director", outcome: "approved", rationale: "Renewals are where revenue and experience meet; a health check ninety days ahead removes the surprise.",
		owner: "sales_expert", crew: "experience", start: true,
		progress:     []demoReport{{"Health score drafted from usage and support data.", 20}},
		cancellation: "Superseded by the CRM vendor's built-in health score, which the company rolls out everywhere."},
	{title: "Put onboarding quality ahead of upsell targets", days: demoDays{propose: 230, decide: 236},
		problem:  "Account managers push upgrades during the first 90 days, when customers are still struggling to get going.",
		proposer: "cs_director", stages: []string{"Activation", "Revenue"}, touchpoints: []string{"kickoff", "renewal"}, kpis: []string{"nps", "grr"},
		votes:     []demoVote{{"cs_director", "approve", ""}, {"product_director", "approve", "Customers who succeed at onboarding renew."}},
		decidedBy: "cs_director", outcome: "approved",
		rationale: "As in the Siebel case, experience comes before this quarter's revenue: no upsell targets in a customer's first 90 days. Decided by the chair without a quorum because the targets are set this week and two members are at the board offsite.",
		owner:     "sales_expert", crew: "new_business"},
	{title: "Self-service invoice portal", days: demoDays{propose: 280, decide: 300},
		problem:  "Customers cannot download past invoices or credit notes without calling.",
		proposer: "it_director", stages: []string{"Revenue"}, touchpoints: []string{"billing"}, kpis: []string{"billing_csat"},
		votes:     []demoVote{{"it_director", "approve", ""}, {"cs_director", "approve", ""}, {"sales_director", "approve", ""}},
		decidedBy: "cs_director", outcome: "approved", rationale: "Removes a reason to call; no owner yet until finance and IT agree who runs it."},
	{title: "Pay referral rewards on time", days: demoDays{propose: 320},
		problem:  "Referral rewards are credited weeks late or not at all, which turns promoters into detractors.",
		proposer: "marketing_director", stages: []string{"Referral"}, touchpoints: []string{"referral"}, kpis: []string{"referral_rate"},
		votes: []demoVote{{"marketing_director", "approve", ""}, {"sales_director", "approve", ""}}},
	{title: "Recognise the ambassadors", days: demoDays{propose: 345},
		problem:  "Ambassadors log observations in their own time and hear nothing back; engagement is falling.",
		proposer: "marketing_director", stages: []string{"Retention"}},
	{title: "A chatbot as the first line of the help centre", days: demoDays{propose: 50, end: 140},
		problem:  "Chat volume grows faster than the team.",
		proposer: "it_director", stages: []string{"Retention"}, touchpoints: []string{"chat"}, kpis: []string{"support_csat"},
		votes:        []demoVote{{"it_director", "approve", ""}},
		cancellation: "Withdrawn: the chatbot pilot answered the question, customers preferred a person."},
}

// ids maps demo keys to the tracker's ids.
func ids(keys []string, byKey map[string]string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out
}

// planInitiatives takes each initiative as far as its story goes, over
// the four quarters of the year. The admin token has no person, so each
// write names the member who acts.
func (l *demoLoader) planInitiatives() {
	for _, in := range demoInitiatives {
		l.planInitiative(in)
	}
}

// planInitiative puts one initiative's story on the timeline.
func (l *demoLoader) planInitiative(in demoInitiative) {
	d := in.days
	var id string
	path := func(tail string) string { return "/v1/initiatives/" + id + tail }
	l.tl.at(l.day(d.propose, 9, 30), func(ctx context.Context) error {
		var err error
		id, err = l.create(ctx, "/v1/initiatives", obj{
			"title": in.title, "problem": in.problem, "person_id": l.people[in.proposer],
			"stage_ids": ids(in.stages, l.stages), "touchpoint_ids": ids(in.touchpoints, l.touchpoints), "kpi_ids": ids(in.kpis, l.kpis),
		})
		l.res.Initiatives++
		return err
	})
	// Votes come in over the weeks before the decision, or, without one,
	// every few days after the proposal.
	voting := max(d.decide-d.propose-2, 1)
	for i, v := range in.votes {
		day := d.propose + 2 + 3*i
		if d.decide > 0 {
			day = d.propose + 1 + voting*i/len(in.votes)
		}
		l.tl.at(l.day(day, 16, i), func(ctx context.Context) error {
			body := obj{"vote": v.vote, "person_id": l.people[v.member]}
			if v.comment != "" {
				body["comment"] = v.comment
			}
			l.res.Votes++
			return l.post(ctx, http.MethodPost, path("/votes"), body)
		})
	}
	if in.outcome != "" {
		decided := l.day(d.decide, 11, 0)
		decide := func(ctx context.Context) error {
			l.res.Decisions++
			return l.post(ctx, http.MethodPost, path("/decision"),
				obj{"outcome": in.outcome, "rationale": in.rationale, "person_id": l.people[in.decidedBy]})
		}
		if d.minutedLate > 0 {
			l.tl.late(decided, l.day(d.decide+d.minutedLate, 11, 0), decide)
		} else {
			l.tl.at(decided, decide)
		}
	}
	if in.owner != "" {
		l.tl.at(l.day(d.decide+2, 10, 0), func(ctx context.Context) error {
			return l.post(ctx, http.MethodPut, path("/owner"), obj{"person_id": l.people[in.owner], "crew_id": l.crews[in.crew]})
		})
	}
	if in.start {
		l.tl.at(l.day(d.start, 9, 0), func(ctx context.Context) error { return l.post(ctx, http.MethodPost, path("/start"), nil) })
	}
	// Progress reports fall evenly between the start and the end, or the
	// last fortnight of the year for work still going on.
	until := d.end
	if until == 0 {
		until = 350
	}
	for i, p := range in.progress {
		day := d.start + (until-d.start)*(i+1)/(len(in.progress)+1)
		l.tl.at(l.day(day, 15, 0), func(ctx context.Context) error {
			return l.post(ctx, http.MethodPost, path("/progress"), obj{"note": p.note, "percent_complete": p.percent})
		})
	}
	if in.completion != "" {
		l.tl.at(l.day(d.end, 12, 0), func(ctx context.Context) error {
			return l.post(ctx, http.MethodPost, path("/completion"), obj{"outcome": in.completion})
		})
	}
	if in.cancellation != "" {
		l.tl.at(l.day(d.end, 12, 0), func(ctx context.Context) error {
			return l.post(ctx, http.MethodPost, path("/cancellation"), obj{"reason": in.cancellation})
		})
	}
}

// demoPlan is an action plan for an account, from the feedback followed up
// at one touchpoint. done lists the actions completed.
type demoPlan struct {
	account, title, touchpoint, sharedWith, summary string
	actions                                         []demoAction
	done                                            []int
}

// demoAction is one action of a plan and its owner's key.
type demoAction struct{ description, owner string }

var demoPlans = []demoPlan{
	{account: "Northwind Traders", title: "Get Northwind's data in without the pain", touchpoint: "data_import",
		sharedWith: "Northwind Traders, head of operations",
		actions: []demoAction{{"Run a guided import session with their operations team.", "product_expert"},
			{"Fix the date-format error their files hit.", "it_expert"}, {"Send the new import checklist.", "cx_manager"}},
		done: []int{0, 1}},
	{account: "Contoso Retail", title: "Shorter waits for Contoso's store managers", touchpoint: "hotline",
		sharedWith: "Contoso Retail, customer service lead", summary: "All three actions done; Contoso's managers now get a call-back within the hour.",
		actions: []demoAction{{"Give Contoso's store managers the call-back number.", "cs_expert"},
			{"Review their last ten tickets with the team lead.", "cs_ambassador"}, {"Monthly check-in call for one quarter.", "account_manager"}},
		done: []int{0, 1, 2}},
	{account: "Fabrikam Health", title: "Invoices Fabrikam's finance team can read", touchpoint: "billing",
		sharedWith: "Fabrikam Health, finance director",
		actions: []demoAction{{"Correct the double charge and issue a credit note.", "finance_expert"},
			{"Map their cost centres onto the invoice lines.", "billing_clerk"}},
		done: []int{0}},
	{account: "Globex Logistics", title: "A renewal without surprises for Globex", touchpoint: "renewal",
		actions: []demoAction{{"Send the renewal proposal ninety days ahead.", "account_manager"},
			{"Explain the price change line by line.", "sales_expert"}}},
}

// planActionPlans drafts a plan for each account from the feedback
// followed up at its touchpoint, in the last quarter, once that feedback
// is in; shares most with the customer, completes actions over the next
// weeks and closes the one that is done.
func (l *demoLoader) planActionPlans() {
	for n, p := range demoPlans {
		// The plan cites the first three items followed up at its
		// touchpoint, so it is drafted the day after the third came in.
		var cited []*demoItem
		for i := range l.items {
			if it := &l.items[i]; it.followUp && demoTouchpoints[it.tp].key == p.touchpoint && len(cited) < 3 {
				cited = append(cited, it)
				l.cited[it] = true
			}
		}
		drafted := l.day(290+12*n, 10, 0)
		if len(cited) > 0 {
			drafted = l.clamp(maxTime(drafted, cited[len(cited)-1].at.Add(24*time.Hour)))
		}
		var plan struct {
			ID      string           `json:"id"`
			Actions []map[string]any `json:"actions"`
		}
		base := func() string { return "/v1/action-plans/" + plan.ID }
		l.tl.at(drafted, func(ctx context.Context) error {
			actions := make([]obj, 0, len(p.actions))
			for _, a := range p.actions {
				actions = append(actions, obj{"description": a.description, "owner_id": l.people[a.owner]})
			}
			feedback := make([]string, 0, len(cited))
			for _, it := range cited {
				feedback = append(feedback, it.id)
			}
			l.res.ActionPlans++
			return l.send(ctx, http.MethodPost, "/v1/action-plans", obj{"account_id": l.accounts[p.account], "title": p.title, "feedback_ids": feedback, "actions": actions}, &plan)
		})
		if p.sharedWith != "" {
			l.tl.at(l.clamp(drafted.Add(2*24*time.Hour)), func(ctx context.Context) error {
				return l.post(ctx, http.MethodPost, base()+"/sharing", obj{"shared_with": p.sharedWith})
			})
		}
		for k, i := range p.done {
			l.tl.at(l.clamp(drafted.Add(time.Duration(5+4*k)*24*time.Hour)), func(ctx context.Context) error {
				if i >= len(plan.Actions) || actionID(plan.Actions[i]) == "" {
					return fmt.Errorf("the plan for %s was answered without the id of its action %d", p.account, i+1)
				}
				// The completion's body is optional, and its date goes in it.
				return l.post(ctx, http.MethodPost, base()+"/actions/"+actionID(plan.Actions[i])+"/completion", obj{})
			})
		}
		if p.summary != "" {
			l.tl.at(l.clamp(drafted.Add(time.Duration(6+4*len(p.done))*24*time.Hour)), func(ctx context.Context) error {
				return l.post(ctx, http.MethodPost, base()+"/closure", obj{"summary": p.summary})
			})
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// actionID is an action's id in a plan as the API shows it.
func actionID(a map[string]any) string {
	for _, k := range []string{"action_id", "id"} {
		if s, ok := a[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
