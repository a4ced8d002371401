package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"
)

// sentiment is how a customer felt, read from the score on its scale.
type sentiment int

const (
	negative sentiment = iota
	neutral
	positive
)

// demoMetrics are the metrics in the order of demoTouchpoint.metrics.
var demoMetrics = [3]string{"nps", "csat", "ces"}

// demoSegments are the customer segments and their shares; larger
// customers are a little harder to please.
var demoSegments = []struct {
	name          string
	share, effect float64
}{
	{"enterprise", 0.2, -0.03}, {"mid_market", 0.35, 0}, {"small_business", 0.35, 0.02}, {"public_sector", 0.1, -0.05},
}

// demoItem is one generated feedback item.
type demoItem struct {
	tp       int // index in demoTouchpoints
	metric   string
	score    int
	comment  string
	segment  string
	source   string
	at       time.Time
	followUp bool
	// stayOpen says the item's follow-up is not closed.
	stayOpen bool
	// id is the id the tracker gave an item logged on its own.
	id string
	// account is the name of the demo account the item names, if any.
	account string
}

// sentimentOf reads a score on its metric's scale: NPS promoters (9-10),
// passives, detractors (0-6); CSAT 4-5 satisfied, 3 neutral; CES low effort
// (1-3) is good, 5-7 bad.
func sentimentOf(metric string, score int) sentiment {
	switch metric {
	case "nps":
		return [...]sentiment{0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2}[score]
	case "csat":
		return [...]sentiment{0, 0, 0, 1, 2, 2}[score]
	default:
		return [...]sentiment{0, 2, 2, 2, 1, 0, 0, 0}[score]
	}
}

// scoreOf maps an experience from 0 (awful) to 1 (delightful) onto the
// metric's scale.
func scoreOf(metric string, x float64) int {
	switch metric {
	case "nps":
		return int(math.Round(x * 10))
	case "csat":
		return 1 + int(math.Round(x*4))
	default:
		return 1 + int(math.Round((1-x)*6))
	}
}

// qualityAt is how good a touchpoint was daysAgo days before the demo's
// now: every touchpoint gets a little better over the council's year (and
// stays as it was in the baseline quarter before it), and a fixed one
// improves over the month after its fix.
func (tp demoTouchpoint) qualityAt(daysAgo int) float64 {
	trend := 0.04 * float64(max(365-daysAgo, 0)) / 365
	if tp.fixed == 0 || daysAgo >= tp.fixedAgo+30 {
		return tp.quality + trend
	}
	if daysAgo <= tp.fixedAgo {
		return tp.fixed + trend
	}
	f := float64(tp.fixedAgo+30-daysAgo) / 30
	return tp.quality + f*(tp.fixed-tp.quality) + trend
}

// weighted picks an index by weight.
func (l *demoLoader) weighted(weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	u := l.rng.Float64() * sum
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}

// generateFeedback makes the program's feedback, oldest first, from the
// first survey a quarter before the council's year to the year's end:
// more of it lately, less at weekends, in office hours; scores around
// each touchpoint's quality, comments that match the score.
func (l *demoLoader) generateFeedback(n int) []demoItem {
	volumes := make([]float64, len(demoTouchpoints))
	for i, tp := range demoTouchpoints {
		volumes[i] = tp.volume
	}
	shares := make([]float64, len(demoSegments))
	for i, s := range demoSegments {
		shares[i] = s.share
	}
	const span = 365 + demoBaselineDays
	items := make([]demoItem, 0, n)
	for len(items) < n {
		daysAgo := 1 + l.rng.IntN(span)
		day := l.opt.Now.AddDate(0, 0, -daysAgo)
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		keep := 0.7 + 0.3*float64(span-daysAgo)/span
		if weekend {
			keep *= 0.35
		}
		if l.rng.Float64() >= keep {
			continue
		}
		minutes := int(math.Max(6*60, math.Min(21*60, 13*60+l.rng.NormFloat64()*150)))
		at := day.Add(time.Duration(minutes)*time.Minute + time.Duration(l.rng.IntN(60))*time.Second)
		ti := l.weighted(volumes)
		tp := demoTouchpoints[ti]
		seg := demoSegments[l.weighted(shares)]
		metric := demoMetrics[l.weighted(tp.metrics[:])]
		x := math.Max(0, math.Min(1, tp.qualityAt(daysAgo)+seg.effect+0.18*l.rng.NormFloat64()))
		score := scoreOf(metric, x)
		it := demoItem{tp: ti, metric: metric, score: score, segment: seg.name, source: pick(l.rng, tp.sources), at: at}
		it.comment = l.comment(tp.key, sentimentOf(metric, score))
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b demoItem) int { return a.at.Compare(b.at) })
	l.markFollowUps(items)
	return items
}

// comment is what a customer who felt s writes about a touchpoint, or ""
// for the many who write nothing.
func (l *demoLoader) comment(tp string, s sentiment) string {
	if l.rng.Float64() >= [...]float64{0.7, 0.3, 0.45}[s] {
		return ""
	}
	if own, ok := demoTouchpointComments[tp]; ok && s != neutral && l.rng.Float64() < 0.6 {
		return pick(l.rng, own[map[sentiment]int{positive: 0, negative: 1}[s]])
	}
	return pick(l.rng, demoGenericComments[s])
}

// markFollowUps chooses the detractors whose feedback is followed up: one
// in 400 items (at least 6, at most 80), among the unhappy customers who
// said why, those of the last quarter first and, if the quarter holds too
// few, the latest before it. The newest two in five of them (at least one)
// stay open: they are the ones still being worked on. So the program has
// the same number of follow-ups, open and closed, whatever the date it
// counts back from, and never a program without open ones.
func (l *demoLoader) markFollowUps(items []demoItem) {
	want := min(max(len(items)/400, 6), 80)
	quarter := l.opt.Now.AddDate(0, -3, 0)
	var recent, older []int
	for i, it := range items {
		if it.comment == "" || sentimentOf(it.metric, it.score) != negative {
			continue
		}
		if it.at.After(quarter) {
			recent = append(recent, i)
		} else {
			older = append(older, i)
		}
	}
	l.rng.Shuffle(len(recent), func(i, j int) { recent[i], recent[j] = recent[j], recent[i] })
	slices.Reverse(older)
	chosen := append(recent, older...)
	chosen = chosen[:min(want, len(chosen))]
	for _, i := range chosen {
		items[i].followUp = true
	}
	// items is in time order, so the highest indexes are the newest.
	slices.Sort(chosen)
	for _, i := range chosen[len(chosen)-openFollowUps(len(chosen)):] {
		items[i].stayOpen = true
	}
}

// openFollowUps is how many of n follow-ups stay open: two in five, and at
// least one when there are any.
func openFollowUps(n int) int {
	if n == 0 {
		return 0
	}
	return max(n*2/5, 1)
}

// demoImportChunk is how many items go in one import request.
const demoImportChunk = 5000

// feedbackLine is one item as the API takes it.
func (l *demoLoader) feedbackLine(it demoItem) obj {
	line := obj{
		"touchpoint_id": l.touchpoints[demoTouchpoints[it.tp].key], "metric": it.metric, "score": it.score,
		"segment": it.segment, "source": it.source, "occurred_at": it.at.Format(time.RFC3339),
	}
	if it.comment != "" {
		line["comment"] = it.comment
	}
	if it.account != "" {
		line["account_id"] = l.accounts[it.account]
	}
	return line
}

// planFeedback generates the program's feedback and puts each item on the
// timeline at its own time: the items to be followed up one by one (their
// ids are needed), the rest through the NDJSON import in the batches the
// timeline makes.
func (l *demoLoader) planFeedback() {
	l.items = l.generateFeedback(l.opt.Feedback)
	for i := range l.items {
		it := &l.items[i]
		if !it.followUp {
			l.tl.feedback(it)
			continue
		}
		l.tl.at(it.at, func(ctx context.Context) error {
			// The item carries its own occurred_at, the customer's time.
			id, err := l.c.create(ctx, "/v1/feedback", l.feedbackLine(*it))
			if err != nil {
				return err
			}
			it.id = id
			key := demoTouchpoints[it.tp].key
			l.followed[key] = append(l.followed[key], id)
			l.res.Feedback++
			l.res.Writes++
			return nil
		})
	}
}

// importAnswer is what the import answers that the demo reads.
type importAnswer struct {
	Logged int `json:"logged"`
	Errors []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// importChunk sends one NDJSON chunk; any line refused is a failure, since
// the demo writes only good lines.
func (l *demoLoader) importChunk(ctx context.Context, body *bytes.Buffer, lines int) error {
	var ans importAnswer
	if err := l.c.send(ctx, http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body.Bytes(), &ans); err != nil {
		return err
	}
	if len(ans.Errors) > 0 {
		e := ans.Errors[0]
		return fmt.Errorf("the import refused %d of %d lines, line %d first: %s %s", len(ans.Errors), lines, e.Line, e.Field, e.Message)
	}
	if ans.Logged != lines {
		return fmt.Errorf("the import logged %d of %d lines", ans.Logged, lines)
	}
	l.res.Feedback += lines
	l.res.Imported += lines
	l.res.Writes++
	l.pr.Add(lines)
	return nil
}

// planFollowUps opens a follow-up for each chosen detractor a day or two
// after the feedback came in, assigned to the lead of the crew that owns
// the touchpoint, and closes those not marked to stay open within the
// next fortnight.
func (l *demoLoader) planFollowUps() {
	for i := range l.items {
		it := &l.items[i]
		if !it.followUp {
			continue
		}
		lead := crewLead(demoTouchpoints[it.tp].crew)
		opened := l.clamp(it.at.Add(time.Duration(24+l.rng.IntN(24)) * time.Hour))
		note := pick(l.rng, demoFollowUpNotes)
		l.tl.at(opened, func(ctx context.Context) error {
			l.res.FollowUps++
			return l.post(ctx, http.MethodPost, "/v1/feedback/"+it.id+"/follow-up", obj{"assignee_id": l.people[lead], "note": note})
		})
		if it.stayOpen {
			continue
		}
		closed := l.clamp(opened.Add(time.Duration(3*24+l.rng.IntN(11*24)) * time.Hour))
		body := obj{"action_taken": pick(l.rng, demoFollowUpActions), "customer_informed": l.rng.Float64() < 0.85}
		l.tl.at(closed, func(ctx context.Context) error {
			l.res.FollowUpsClosed++
			return l.post(ctx, http.MethodPost, "/v1/feedback/"+it.id+"/follow-up/closure", body)
		})
	}
}

// crewLead is the key of a demo crew's lead.
func crewLead(crew string) string {
	for _, c := range demoCrews {
		if c.key == crew {
			return c.members[0]
		}
	}
	return ""
}
