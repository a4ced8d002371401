package projections

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

// knownBy feeds a report builder only what the log recorded at or before
// at, as a replay up to a report's known_at would.
type knownBy struct {
	*reportBuilder
	at time.Time
}

func (k knownBy) Apply(rec events.Record, p events.Payload) error {
	if rec.Stored.After(k.at) {
		return nil
	}
	return k.reportBuilder.Apply(rec, p)
}

// The council report for the second quarter of the outcome history shows
// each decision of the quarter with the decision log's impact, cut at the
// quarter's end and at the report's known_at, and the computed KPIs'
// figures for the quarter; the feedback model it reads holds the whole
// log, as the read models do.
func TestAReportShowsWhatTheCouncilKnewAndWhatCameOfItAsKnownAtItsKnownAt(t *testing.T) {
	utc := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }
	from, to := utc(4, 1, 0), utc(7, 1, 0)
	all, early := newReportBuilder(from, to, utc(12, 1, 0)), newReportBuilder(from, to, utc(5, 12, 0))
	v, _ := outcomeHistory(t, knownBy{all, utc(12, 1, 0)}, knownBy{early, utc(5, 12, 0)})
	r, err := all.report(v.Feedback)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Decisions) != 2 || r.Decisions[0].InitiativeID != oxDone || r.Decisions[1].InitiativeID != oxGoing {
		t.Fatalf("decisions %+v", r.Decisions)
	}
	o := r.Decisions[0].Impact
	// Known at the decision, as in the decision log: the web −50 of 4, the
	// stage −20 of 5, Wait 12, the NPS of Acquisition −20.
	if o == nil || o.Before.KnownAt == nil || !o.Before.KnownAt.Equal(utc(4, 1, 10)) || *o.Touchpoints[0].Before.NPS != -50 ||
		o.Stages[0].Before.NPSCount != 5 || *o.KPIs[0].Before.Value != 12 || *o.KPIs[1].Before.Value != -20 {
		t.Fatalf("before %+v", o)
	}
	// Since the start (1 May 09:00) up to the quarter's end, where the work
	// is still going (it completed on 1 July 09:00, after the quarter): the
	// web's 10, 10, 10, 9 (NPS 100), the stage's 60 of 5, Wait's 8 of 1 June.
	a := o.AfterStart
	if a == nil || !a.From.Equal(utc(5, 1, 9)) || !a.To.Equal(to) || !a.Ongoing || a.KnownAt == nil || !a.KnownAt.Equal(utc(12, 1, 0)) || o.AfterCompletion != nil {
		t.Fatalf("after start %+v, after completion %+v", a, o.AfterCompletion)
	}
	web, st := o.Touchpoints[0], o.Stages[0]
	if web.AfterStart.NPSCount != 4 || *web.AfterStart.NPS != 100 || *web.ChangeAfterStart.NPS != 150 || st.AfterStart.NPSCount != 5 ||
		*st.AfterStart.NPS != 60 || *o.KPIs[0].AfterStart.Value != 8 || *o.KPIs[1].AfterStart.Value != 60 || o.KPIs[1].AfterStart.Count != 5 ||
		!near(o.KPIs[1].AfterStart.Margin, 70.123) || web.AfterCompletion != nil {
		t.Fatalf("after start: web %+v, stage %+v, kpis %+v", web, st, o.KPIs)
	}
	// The app's decision of 1 June: started on 1 August, after the quarter.
	if g := r.Decisions[1].Impact; g == nil || g.AfterStart != nil || g.Touchpoints[0].Before.NPSCount != 0 {
		t.Fatalf("app %+v", g)
	}
	// The quarter's KPIs: the NPS of Acquisition computed from the quarter's
	// 10, 10, 10, 9 and 0 (60 ± 70.123 of 5, met); none of smb (null); Wait,
	// by hand, 8 (not met).
	byID := map[string]ReportKPI{}
	for _, k := range r.KPIs {
		byID[k.KPIID] = k
	}
	if k := byID[oxNPS]; k.Source != KPISourceFeedback || k.Value == nil || *k.Value != 60 || k.Count != 5 || !near(k.Margin, 70.123) || k.Met == nil || !*k.Met {
		t.Fatalf("computed kpi %+v", k)
	}
	if k := byID[oxSmallFirms]; k.Source != KPISourceFeedback || k.Value != nil || k.Met != nil {
		t.Fatalf("smb kpi %+v", k)
	}
	if k := byID[oxWait]; k.Source != KPISourceHand || *k.Value != 8 || *k.Met {
		t.Fatalf("hand kpi %+v", k)
	}
	var md, csv bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"### Call back (approved, 2025-04-01 10:00)",
		"Known at the decision: 2025-01-01 10:00 to 2025-04-01 10:00. Since the work started: 2025-05-01 09:00 to 2025-07-01 00:00 (so far). After completion: –.",
		"| touchpoint Web form | nps | -50.0 ±84.9 (4) | 100.0 ±0.0 (4): +150.0, better | – |",
		"| kpi Wait | wait | 12.0 | 8.0: -4.0, better | – |",
		"| kpi Acquisition NPS | nps | -20.0 ±85.9 (5) | 60.0 ±70.1 (5): +80.0, within the noise | – |",
		"| Acquisition NPS | nps | feedback | 60.0 ±70.1 (5) | 30.0 | higher_is_better | true |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the markdown lacks %q:\n%s", want, md.String())
		}
	}
	for _, want := range []string{
		"decision_impact," + oxDone + ",Web form,touchpoint_nps_after_start_change,150\n",
		"decision_impact," + oxDone + ",Acquisition NPS,kpi_nps_before_count,5\n",
		"kpi," + oxNPS + ",Acquisition NPS,count,5\n",
	} {
		if !strings.Contains(csv.String(), want) {
			t.Errorf("the CSV lacks %q:\n%s", want, csv.String())
		}
	}

	// Known at 12 May: the items of 10 May were recorded on the 13th, the
	// 8 of 1 June on 2 June, the app's decision on 1 June: since the start,
	// no answers and no measurement; the quarter's NPS of Acquisition none.
	r, err = early.report(v.Feedback)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Decisions) != 1 {
		t.Fatalf("decisions known at 12 May %+v", r.Decisions)
	}
	o = r.Decisions[0].Impact
	if a := o.AfterStart; a == nil || !a.KnownAt.Equal(utc(5, 12, 0)) || o.Touchpoints[0].AfterStart.NPSCount != 0 || o.Stages[0].AfterStart.NPSCount != 0 ||
		o.KPIs[0].AfterStart.Value != nil || o.KPIs[1].AfterStart.Count != 0 || *o.Stages[0].Before.NPS != -20 {
		t.Fatalf("known at 12 May %+v", o)
	}
	for _, k := range r.KPIs {
		if k.KPIID == oxNPS && (k.Value != nil || k.Count != 0) {
			t.Fatalf("computed kpi known at 12 May %+v", k)
		}
	}
}
