package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"
)

// The demo loads its program as it happened, the baseline quarter and
// then the council's year: every write is a dated step of
// one timeline, and the steps are written in the order of their dates
// across all aggregates, each with its date as occurred_at. So the tracker
// sees the program move on as it would have, an aggregate's events are
// dated in order, and nothing looks recorded late but the one decision
// the demo means to: a step may be written when the timeline has reached a
// later date than its own (demoTimeline.late).

// demoStep is one dated step of the year: what happened at at, written
// when the timeline reaches by (at itself, unless it was recorded late).
// A step with an item is a feedback item for the NDJSON import.
type demoStep struct {
	at, by time.Time
	item   *demoItem
	run    func(context.Context) error
}

// demoTimeline collects the year's steps in any order; run writes them in
// the order of their dates (steps of one date in the order they were
// added).
type demoTimeline struct {
	steps []demoStep
}

// at adds a step that happened at t and is written then.
func (tl *demoTimeline) at(t time.Time, run func(context.Context) error) {
	tl.late(t, t, run)
}

// late adds a step that happened at t but is written only when the
// timeline has reached by.
func (tl *demoTimeline) late(t, by time.Time, run func(context.Context) error) {
	tl.steps = append(tl.steps, demoStep{at: t, by: by, run: run})
}

// feedback adds a feedback item that goes in through the import.
func (tl *demoTimeline) feedback(it *demoItem) {
	tl.steps = append(tl.steps, demoStep{at: it.at, by: it.at, item: it})
}

// demoBatchSpan is the longest stretch of feedback one import holds: the
// items of at most a week, so that the import keeps up with the program.
const demoBatchSpan = 7 * 24 * time.Hour

// runTimeline writes the program, its baseline quarter and then the
// council's year, step by step in the order of their dates, showing how
// far it has come. Each step's writes are dated at its time (l.at). Feedback items between two other steps go in together through
// the import, in batches of at most a week and demoImportChunk items.
func (l *demoLoader) runTimeline(ctx context.Context) error {
	steps := l.tl.steps
	slices.SortStableFunc(steps, func(a, b demoStep) int { return a.by.Compare(b.by) })
	l.pr.Step("the program from "+l.firstDay().Format(time.DateOnly)+" to "+l.opt.Now.Format(time.DateOnly), len(steps))
	var (
		chunk bytes.Buffer
		lines int
		first time.Time
	)
	enc := json.NewEncoder(&chunk)
	flush := func() error {
		if lines == 0 {
			return nil
		}
		if err := l.importChunk(ctx, &chunk, lines); err != nil {
			return err
		}
		chunk.Reset()
		lines = 0
		return nil
	}
	for _, s := range steps {
		if s.item != nil {
			if lines > 0 && (lines == demoImportChunk || s.at.Sub(first) >= demoBatchSpan) {
				if err := flush(); err != nil {
					return err
				}
			}
			if lines == 0 {
				first = s.at
			}
			if err := enc.Encode(l.feedbackLine(*s.item)); err != nil {
				return err
			}
			lines++
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		l.at = s.at
		if err := s.run(ctx); err != nil {
			return err
		}
		l.pr.Add(1)
	}
	return flush()
}

// demoBaselineDays is how long before the council's year the CX team
// mapped the journey and started surveying customers: a quarter, so that
// the year's first quarter has a quarter before it to be compared with
// (its movers), as every later quarter has. 92 days is the longest
// quarter, the period the movers compare the first one with.
const demoBaselineDays = 92

// start is the first day of the council's year: 365 days before its end.
func (l *demoLoader) start() time.Time { return l.opt.Now.AddDate(0, 0, -365) }

// firstDay is the first day of the program: the day the journey was
// mapped and the first survey went out, a quarter before the council's
// year.
func (l *demoLoader) firstDay() time.Time { return l.start().AddDate(0, 0, -demoBaselineDays) }

// day is the time of day (hours and minutes, UTC) on day d of the
// council's year, counted from its first day (0; the baseline quarter
// before it is days -demoBaselineDays to -1), and never later than the
// last minute before the year's end, so that a story that would run on
// past it ends on that minute, still in the order of its steps.
func (l *demoLoader) day(d, hour, minute int) time.Time {
	t := l.start().AddDate(0, 0, d).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	return l.clamp(t)
}

// clamp keeps t before the year's end: at most its last minute.
func (l *demoLoader) clamp(t time.Time) time.Time {
	return minTime(t, l.opt.Now.Add(-time.Minute))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
