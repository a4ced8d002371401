package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// reportBytes is the report in every format, built by the replay and from
// views rebuilt from the log, failing when the two differ.
func reportBytes(t *testing.T, s *script, from, to, known time.Time) (*projections.CouncilReport, map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	r, _, err := projections.BuildCouncilReport(ctx, s.store, from, to, known, projections.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	p, _, v := rebuilt(t, s)
	if _, err := p.Rebuild(ctx, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	of, err := projections.CouncilReportOf(ctx, s.store, p, v, from, to, known)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, rep := range []*projections.CouncilReport{r, of} {
		var md, csv bytes.Buffer
		js, _ := json.Marshal(rep)
		if err := rep.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
		for format, b := range map[string][]byte{"json": js, "md": md.Bytes(), "csv": csv.Bytes()} {
			if prev, ok := out[format]; ok && !bytes.Equal(prev, b) {
				t.Fatalf("the %s report of the views differs from the replay's:\n%s\n---\n%s", format, b, prev)
			}
			out[format] = b
		}
	}
	return r, out
}

// A year of feedback imported today with its real occurred_at, and a crew
// formed back then but recorded today, show in that period's report as the
// log knows them now; known_at before the import leaves them out; the same
// from, to and known_at give the same bytes after more (back-dated) events.
func TestABackDatedImportIsInItsPeriodsReportAsTheLogKnewIt(t *testing.T) {
	s := newScript(t)
	jny, st, tp := events.NewID(), events.NewID(), events.NewID()
	s.do(events.MapJourney{JourneyID: jny, Name: "Retail", Segment: "smb"},
		events.AddStage{JourneyID: jny, StageID: st, Name: "Onboarding", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: st, Name: "Welcome call", Channel: "phone"})
	before := mark()

	day := func(m time.Month, d int) time.Time { return time.Date(2020, m, d, 12, 0, 0, 0, time.UTC) }
	imported := func(at time.Time, scores ...int) {
		for _, sc := range scores {
			s.do(events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: tp, Metric: events.MetricNPS, Score: sc, Source: events.SourceSurvey, OccurredAt: at})
		}
	}
	imported(time.Date(2019, 12, 15, 0, 0, 0, 0, time.UTC), 10) // before the quarter
	imported(day(2, 10), 10, 9, 0, 7)                           // in it
	imported(day(5, 1), 0, 0)                                   // after it
	crew := events.NewID()
	s.doAt(day(2, 1), events.FormCrew{CrewID: crew, Name: "Back then", Type: events.CrewExperience, Purpose: "p"})
	known := mark()

	from, to := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)
	r, first := reportBytes(t, s, from, to, known)
	// The previous quarter: the one December promoter, NPS 100. The
	// quarter's own: 10, 9 promoters, 7 passive, 0 detractor:
	// (2 - 1) / 4 = 25. May's zeros are after it.
	near := func(v *float64, want float64) bool { return v != nil && *v > want-0.05 && *v < want+0.05 }
	if len(r.Stages) != 1 || !near(r.Stages[0].Previous.NPS, 100) || r.Stages[0].Previous.NPSCount != 1 ||
		!near(r.Stages[0].Current.NPS, 25) || r.Stages[0].Current.NPSCount != 4 || !near(r.Stages[0].Change.NPS, -75) {
		t.Errorf("stages %+v", r.Stages)
	}
	if len(r.Formed) != 1 || r.Formed[0].Name != "Back then" || !r.Formed[0].At.Equal(day(2, 1)) {
		t.Errorf("crews formed %+v, want the back-dated one at %s", r.Formed, day(2, 1))
	}
	if !r.KnownAt.Equal(known) || r.Digest.Seq != 11 || r.EventsRead != 11 {
		t.Errorf("known at %s, digest %+v, events %d; want %s, seq 11", r.KnownAt, r.Digest, r.EventsRead, known)
	}
	if md := string(first["md"]); !strings.Contains(md, "Known at "+known.UTC().Format(time.RFC3339Nano)+": built from the 11 events") || !strings.Contains(md, r.Digest.Digest) {
		t.Errorf("the Markdown report does not say what it knew:\n%s", md)
	}

	// As the log knew it before the import: the map only.
	r0, _ := reportBytes(t, s, from, to, before)
	if len(r0.Stages) != 1 || r0.Stages[0].Current.NPS != nil || len(r0.Formed) != 0 || r0.Digest.Seq != 3 {
		t.Errorf("known before the import: stages %+v, crews %+v, digest %+v", r0.Stages, r0.Formed, r0.Digest)
	}

	// More events, one back-dated into the quarter: the report known at
	// `known` is the same bytes; known now, it counts the late detractor:
	// (2 - 2) / 5 = 0.
	imported(day(3, 1), 0)
	s.doAt(day(3, 2), events.DisbandCrew{CrewID: crew, Reason: "recorded late"})
	_, again := reportBytes(t, s, from, to, known)
	for format, b := range first {
		if !bytes.Equal(b, again[format]) {
			t.Errorf("the %s report known at %s changed after more events:\n%s\n---\n%s", format, known, b, again[format])
		}
	}
	r2, _ := reportBytes(t, s, from, to, mark())
	if !near(r2.Stages[0].Current.NPS, 0) || r2.Stages[0].Current.NPSCount != 5 || len(r2.Disbanded) != 1 {
		t.Errorf("known now: stages %+v, disbanded %+v", r2.Stages, r2.Disbanded)
	}
}
