package web

import (
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

func TestEachMetricsBucketsFollowItsScalesDirection(t *testing.T) {
	for _, tc := range []struct {
		metric string
		value  float64
		want   string
	}{
		// NPS, higher is better; an edge counts as the better side.
		{events.MetricNPS, -100, "heat-0"},
		{events.MetricNPS, -30.1, "heat-0"},
		{events.MetricNPS, -30, "heat-1"},
		{events.MetricNPS, -0.1, "heat-1"},
		{events.MetricNPS, 0, "heat-2"},
		{events.MetricNPS, 29.9, "heat-2"},
		{events.MetricNPS, 30, "heat-3"},
		{events.MetricNPS, 69.9, "heat-3"},
		{events.MetricNPS, 70, "heat-4"},
		{events.MetricNPS, 100, "heat-4"},
		// CSAT, % satisfied, higher is better.
		{events.MetricCSAT, 0, "heat-0"},
		{events.MetricCSAT, 49.9, "heat-0"},
		{events.MetricCSAT, 50, "heat-1"},
		{events.MetricCSAT, 70, "heat-2"},
		{events.MetricCSAT, 80, "heat-3"},
		{events.MetricCSAT, 89.9, "heat-3"},
		{events.MetricCSAT, 90, "heat-4"},
		{events.MetricCSAT, 100, "heat-4"},
		// CES, effort from 1 to 7: lower is better, so a low CES is the
		// good colour; an edge still counts as the better side.
		{events.MetricCES, 1, "heat-4"},
		{events.MetricCES, 2.5, "heat-4"},
		{events.MetricCES, 2.51, "heat-3"},
		{events.MetricCES, 3.5, "heat-3"},
		{events.MetricCES, 3.51, "heat-2"},
		{events.MetricCES, 4.5, "heat-2"},
		{events.MetricCES, 5.5, "heat-1"},
		{events.MetricCES, 5.51, "heat-0"},
		{events.MetricCES, 7, "heat-0"},
	} {
		s, ok := scaleOf(tc.metric)
		if !ok {
			t.Fatalf("no scale for %s", tc.metric)
		}
		if got := s.heatClass(&tc.value); got != tc.want {
			t.Errorf("%s %.2f is %s, want %s", tc.metric, tc.value, got, tc.want)
		}
	}
	for _, s := range metricScales {
		if got := s.heatClass(nil); got != "heat-none" {
			t.Errorf("%s without responses is %s", s.Key, got)
		}
	}
	if _, ok := scaleOf("happiness"); ok {
		t.Error("an unknown metric has a scale")
	}
}

func TestAFigureWritesItsValueCountAndBucketInWords(t *testing.T) {
	ces, _ := scaleOf(events.MetricCES)
	v := 2.25
	f := ces.figure(projections.JourneyFigures{Count: 9, Metrics: projections.Metrics{CES: &v, CESCount: 4}, OpenFollowUps: 2})
	if f != (figure{Text: "2.2", Class: "heat-4", Word: "very good", Count: 4, Open: 2}) {
		t.Errorf("CES figure %+v", f)
	}
	csat, _ := scaleOf(events.MetricCSAT)
	if f := csat.figure(projections.JourneyFigures{Count: 9}); f.Text != "–" || f.Class != "heat-none" || f.Word != "no responses" || f.Count != 0 {
		t.Errorf("CSAT figure without responses %+v", f)
	}
	v = 81.25
	if f := csat.figure(projections.JourneyFigures{Metrics: projections.Metrics{CSAT: &v, CSATCount: 3}}); f.Text != "81.2%" || f.Class != "heat-3" {
		t.Errorf("CSAT figure %+v", f)
	}
}

func TestTheLegendNamesEveryBucketsValuesBestFirst(t *testing.T) {
	want := map[string][]string{
		events.MetricNPS:  {"70 or more", "30 to under 70", "0 to under 30", "-30 to under 0", "below -30"},
		events.MetricCSAT: {"90% or more", "80% to under 90%", "70% to under 80%", "50% to under 70%", "below 50%"},
		events.MetricCES:  {"2.5 or less", "over 2.5 up to 3.5", "over 3.5 up to 4.5", "over 4.5 up to 5.5", "over 5.5"},
	}
	for _, s := range metricScales {
		l := s.legend()
		if len(l) != 6 || l[5].Class != "heat-none" {
			t.Fatalf("%s legend %+v", s.Key, l)
		}
		for i, w := range want[s.Key] {
			if l[i].Class != "heat-"+string(rune('4'-i)) || l[i].Values != w || l[i].Word != bucketWords[4-i] {
				t.Errorf("%s legend %d is %+v, want %s", s.Key, i, l[i], w)
			}
		}
	}
}

func TestTheTrendChartsLastLabelIsNotCutOff(t *testing.T) {
	var pts []point
	for _, m := range []string{"2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"} {
		pts = append(pts, point{Label: m, Value: 10})
	}
	svg := string(lineChart("NPS by month", pts, nil))
	if !strings.Contains(svg, `text-anchor="end">2026-07</text>`) {
		t.Errorf("the last label does not end at its point: %s", svg)
	}
	// Labels go every second month; the one just before the last would
	// run into it, so it is left out.
	if strings.Contains(svg, `>2026-06</text>`) || !strings.Contains(svg, `>2026-04</text>`) {
		t.Errorf("labels crowd the last one: %s", svg)
	}
}
