package main

import (
	"context"
	"net/http"
	"time"
)

// demoAccount is one customer account of the demo: the CX manager opens it
// on the baseline's first day, and hands it to its owner once the year
// starts. Every plan of demoPlans is for one of them.
type demoAccount struct {
	name, segment, owner, contact string
}

var demoAccounts = []demoAccount{
	{"Northwind Traders", "Mid-market", "product_expert", "Dana Ortiz, head of operations"},
	{"Contoso Retail", "Enterprise", "account_manager", "Lee Park <lee.park@contoso.example>"},
	{"Fabrikam Health", "Enterprise", "finance_expert", ""},
	{"Globex Logistics", "Mid-market", "account_manager", "renewals@globex.example"},
}

// demoAccountTagEvery is how often an item at an account's plan's
// touchpoint names the account (one in this many), beside the items the
// plan cites, which all do.
const demoAccountTagEvery = 20

// planAccounts opens the accounts, hands each to its owner on the year's
// first day, and names the account on its plan's feedback: the items its
// plan cites and one in demoAccountTagEvery of the others at the plan's
// touchpoint, logged after it was opened. It draws no random number, so
// the rest of the demo is what it was without it. It runs after
// planActionPlans, which says which items each plan cites.
func (l *demoLoader) planAccounts() {
	opened := l.day(-demoBaselineDays, 6, 0)
	for i, a := range demoAccounts {
		l.tl.at(opened.Add(time.Duration(i)*time.Minute), func(ctx context.Context) error {
			body := obj{"name": a.name, "segment": a.segment, "owner_id": l.people["cx_manager"]}
			if a.contact != "" {
				body["contact"] = a.contact
			}
			id, err := l.create(ctx, "/v1/accounts", body)
			l.accounts[a.name] = id
			return err
		})
		l.tl.at(l.day(0, 6, i), func(ctx context.Context) error {
			return l.post(ctx, http.MethodPatch, "/v1/accounts/"+l.accounts[a.name], obj{"owner_id": l.people[a.owner]})
		})
	}
	for _, p := range demoPlans {
		n := 0
		for i := range l.items {
			it := &l.items[i]
			if demoTouchpoints[it.tp].key != p.touchpoint || !it.at.After(opened.Add(time.Hour)) {
				continue
			}
			if n++; l.cited[it] || n%demoAccountTagEvery == 0 {
				it.account = p.account
			}
		}
	}
}
