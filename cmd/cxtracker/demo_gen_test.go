package main

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// generator is a demo loader that only generates, with no tracker behind it.
func generator(seed uint64, now time.Time) *demoLoader {
	return &demoLoader{rng: rand.New(rand.NewPCG(seed, 0x6378747261636b)), opt: demoOptions{Seed: seed, Now: now}}
}

func TestDemoFeedbackIsTheSameForTheSameSeed(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := generator(7, now).generateFeedback(2000)
	b := generator(7, now).generateFeedback(2000)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two loads with seed 7 generated different feedback")
	}
	if c := generator(8, now).generateFeedback(2000); reflect.DeepEqual(a, c) {
		t.Fatal("seeds 7 and 8 generated the same feedback")
	}
}

func TestDemoFeedbackIsAPlausibleYear(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	g := generator(1, now)
	items := g.generateFeedback(20_000)
	if len(items) != 20_000 {
		t.Fatalf("generated %d items", len(items))
	}
	scale := map[string][2]int{"nps": {0, 10}, "csat": {1, 5}, "ces": {1, 7}}
	type tally struct{ n, good, bad int }
	nps := map[string]*tally{}
	var comments, followUps, baseline int
	months := map[time.Month]bool{}
	for i, it := range items {
		r := scale[it.metric]
		if it.score < r[0] || it.score > r[1] {
			t.Fatalf("item %d: %s score %d is off its scale", i, it.metric, it.score)
		}
		if !it.at.Before(now) || it.at.Before(g.firstDay()) {
			t.Fatalf("item %d occurred at %s, outside the program from %s", i, it.at, g.firstDay())
		}
		if it.at.Before(g.start()) {
			baseline++
		}
		if i > 0 && it.at.Before(items[i-1].at) {
			t.Fatalf("item %d is older than the one before", i)
		}
		months[it.at.Month()] = true
		if it.comment != "" {
			comments++
		}
		if it.followUp {
			followUps++
			if sentimentOf(it.metric, it.score) != negative || it.comment == "" {
				t.Fatalf("item %d is followed up but is not an unhappy customer who said why: %+v", i, it)
			}
		}
		if it.metric == "nps" {
			k := demoTouchpoints[it.tp].key
			if nps[k] == nil {
				nps[k] = &tally{}
			}
			nps[k].n++
			switch sentimentOf("nps", it.score) {
			case positive:
				nps[k].good++
			case negative:
				nps[k].bad++
			}
		}
	}
	score := func(k string) int { t := nps[k]; return 100 * (t.good - t.bad) / t.n }
	if len(months) != 12 {
		t.Errorf("feedback covers %d months, want 12", len(months))
	}
	// The baseline quarter is a fifth of the program's days and its
	// quietest stretch: fewer than a fifth of the items, but more than a
	// tenth.
	if baseline < len(items)/10 || baseline > len(items)/5 {
		t.Errorf("%d of %d items in the baseline quarter, want a tenth to a fifth", baseline, len(items))
	}
	if comments < len(items)/4 || comments > len(items)*3/4 {
		t.Errorf("%d of %d items have a comment", comments, len(items))
	}
	if followUps != 20_000/400 {
		t.Errorf("%d items are to be followed up, want %d", followUps, 20_000/400)
	}
	if score("hotline") >= 0 || score("kickoff") <= 20 {
		t.Errorf("NPS at the hotline is %d and at the kickoff %d: the weak touchpoint should be negative, the strong one well positive", score("hotline"), score("kickoff"))
	}
}

func TestDemoFixedTouchpointImproves(t *testing.T) {
	var imp demoTouchpoint
	for _, tp := range demoTouchpoints {
		if tp.key == "data_import" {
			imp = tp
		}
	}
	if before, after := imp.qualityAt(300), imp.qualityAt(10); after <= before {
		t.Fatalf("the data import's quality went from %.2f to %.2f after its fix", before, after)
	}
}

func TestEmailsAreAddressesAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range demoPeople {
		e := emailOf(p.name)
		for _, r := range e {
			if r > 127 {
				t.Fatalf("%s has a non-ASCII address %s", p.name, e)
			}
		}
		if seen[e] {
			t.Fatalf("%s is used twice", e)
		}
		seen[e] = true
	}
}

func TestDemoStepsPrintWholeLinesOutsideATerminal(t *testing.T) {
	var out bytes.Buffer
	d := newDemoSteps(&out)
	d.Step("people and roles", 0)
	d.Add(3)
	d.Step("feedback", 10)
	for range 10 {
		d.Add(1)
	}
	d.Done()
	d.Done()
	got := out.String()
	if strings.Contains(got, "\r") {
		t.Fatalf("carriage returns outside a terminal: %q", got)
	}
	for _, want := range []string{"demo: people and roles: 3,", "demo: feedback: 0 of 10 (0%)", "demo: feedback: 10 of 10 (100%)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q does not say %q", got, want)
		}
	}
	if n := strings.Count(got, "\n"); n != 4 {
		t.Errorf("%d lines, want a start and an end line per step: %q", n, got)
	}
}

// The number of follow-ups, and of those left open, is the program's shape,
// not luck: on any date the demo counts back from, a small load follows up
// six unhappy customers and leaves the newest two open.
func TestDemoFollowsUpTheSameNumberOnAnyDate(t *testing.T) {
	t.Parallel()
	// Every day of a year that holds a leap day, a year's end and both
	// changes of summer time.
	start := time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)
	for day := range 366 {
		now := start.AddDate(0, 0, day)
		items := generator(3, now).generateFeedback(500)
		var followed, open []int
		for i, it := range items {
			if it.followUp {
				followed = append(followed, i)
			}
			if it.stayOpen {
				if !it.followUp {
					t.Fatalf("%s: item %d stays open but is not followed up", now.Format(time.DateOnly), i)
				}
				open = append(open, i)
			}
		}
		if len(followed) != 6 || len(open) != 2 || open[0] != followed[4] || open[1] != followed[5] {
			t.Fatalf("%s: items %v followed up and %v left open; want 6, the newest 2 of them open", now.Format(time.DateOnly), followed, open)
		}
	}
}
