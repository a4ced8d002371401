package api_test

import (
	"math"
	"net/http"
	"slices"
	"testing"

	"cxtracker/api"
	"cxtracker/projections"
)

func TestPeriodFiguresMoversAndSegmentsOverHTTP(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	log := func(tp, segment, day string, score, n int) {
		for range n {
			a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints[tp], "metric": "nps",
				"score": score, "source": "survey", "segment": segment, "occurred_at": "2025-" + day + "T12:00:00Z"})
		}
	}
	// Website, February: 15 promoters, 15 passives (NPS 50); March: 6 promoters, 12 detractors, 12 passives (NPS −20).
	log("Website", "smb", "02-10", 10, 15)
	log("Website", "smb", "02-11", 8, 15)
	log("Website", "smb", "03-10", 10, 6)
	log("Website", "smb", "03-11", 3, 12)
	log("Website", "smb", "03-12", 8, 12)
	// Call centre, March only, one promoter of the vip segment.
	log("Call centre", "vip", "03-20", 10, 1)

	var j projections.JourneyView
	a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID+"?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z", nil).JSON(t, &j)
	web := j.Stages[0].Touchpoints[0]
	// March's margin: p = 0.2, d = 0.4: 1.96·√((0.6 − 0.04)/30)·100 = 196·0.136626 = 26.779;
	// February's: p = 0.5, d = 0: 196·√(0.25/30) = 17.892; the change's √(17.892² + 26.779²) = 32.206 < 70.
	if f := web.Period; f == nil || *f.Current.NPS != -20 || *f.Previous.NPS != 50 || f.Current.NPSCount != 30 ||
		math.Abs(*f.Current.Margin.NPS-26.779) > 0.001 || math.Abs(*f.Change.Margin.NPS-32.206) > 0.001 || !f.Change.NPSBeyondMargin ||
		f.PreviousFrom.Format("2006-01-02") != "2025-02-01" {
		t.Fatalf("website's period %+v", web.Period)
	}
	// The stage Acquisition adds the call centre's promoter: 7 promoters, 12 detractors of 31 = −16.1.
	if f := j.Stages[0].Period; f == nil || f.Current.NPSCount != 31 || math.Abs(*f.Current.NPS+16.129) > 0.001 || j.Period == nil || j.Period.Current.Count != 31 {
		t.Fatalf("acquisition's period %+v, journey's %+v", f, j.Period)
	}
	// The cumulative figures stay as they were: all 61 responses.
	if j.Count != 61 {
		t.Fatalf("journey count %d", j.Count)
	}
	var vip projections.JourneyView
	a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID+"?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&segment=vip", nil).JSON(t, &vip)
	if f := vip.Stages[0]; f.Touchpoints[0].Period.Current.Count != 0 || f.Touchpoints[1].Period.Current.Count != 1 || *f.Touchpoints[1].Period.Current.NPS != 100 {
		t.Fatalf("vip %+v", f)
	}
	var plain projections.JourneyView
	if a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID, nil).JSON(t, &plain); plain.Period != nil || plain.Stages[0].Period != nil {
		t.Fatalf("a map without a period has period figures: %+v", plain.Period)
	}

	var mv projections.Movers
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/movers?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&by=touchpoint", nil).JSON(t, &mv)
	// Only the website has 30 responses in both months; the call centre has 1 and 0.
	if len(mv.Fallers) != 1 || len(mv.Risers) != 0 || mv.Fallers[0].Name != "Website" || mv.Fallers[0].Journey == "" || mv.Fallers[0].Change != -70 ||
		!mv.Fallers[0].BeyondMargin || mv.MinResponses != 30 {
		t.Fatalf("movers %+v", mv)
	}
	var byStage projections.Movers
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/movers?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z", nil).JSON(t, &byStage)
	if byStage.By != "stage" || len(byStage.Fallers) != 1 || byStage.Fallers[0].Name != "Acquisition" || byStage.Fallers[0].CurrentCount != 31 {
		t.Fatalf("movers by stage %+v", byStage)
	}

	var trends api.TrendsView
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/trends?segment=vip&by=touchpoint", nil).JSON(t, &trends)
	if len(trends.Periods) != 1 || trends.Periods[0].Period != "2025-03" || len(trends.Periods[0].Groups) != 1 ||
		trends.Periods[0].Groups[0].TouchpointName != "Call centre" || trends.Segment != "vip" {
		t.Fatalf("vip trends %+v", trends)
	}

	// Every segment of the journey's feedback, from the daily figures.
	var segs api.SegmentsView
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/segments?journey="+m.ID, nil).JSON(t, &segs)
	if !slices.Equal(segs.Segments, []string{"smb", "vip"}) {
		t.Fatalf("segments %v", segs.Segments)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/segments?journey=01ARZ3NDEKTSV4RRFFQ69G5FAV", nil).JSON(t, &segs)
	if segs.Segments == nil || len(segs.Segments) != 0 {
		t.Fatalf("an unknown journey's segments %#v", segs.Segments)
	}

	for _, tc := range []struct{ path, field string }{
		{"/v1/feedback/segments?journey=nope", "journey"},
		{"/v1/journeys/" + m.ID + "?from=2025-03-01T00:00:00Z", "to"},
		{"/v1/journeys/" + m.ID + "?to=2025-03-01T00:00:00Z", "from"},
		{"/v1/journeys/" + m.ID + "?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to"},
		{"/v1/journeys/" + m.ID + "?segment=vip", "segment"},
		{"/v1/journeys/" + m.ID + "?from=march&to=2025-03-01T00:00:00Z", "from"},
		{"/v1/feedback/movers?to=2025-03-01T00:00:00Z", "from"},
		{"/v1/feedback/movers?from=2025-03-01T00:00:00Z", "to"},
		{"/v1/feedback/movers?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z&by=crew", "by"},
	} {
		r := a.Do(http.MethodGet, tc.path, nil)
		var pd struct {
			Errors []api.FieldError `json:"errors"`
		}
		r.JSON(t, &pd)
		if r.Status != http.StatusUnprocessableEntity || r.Header.Get("Content-Type") != "application/problem+json" ||
			!slices.ContainsFunc(pd.Errors, func(e api.FieldError) bool { return e.Field == tc.field }) {
			t.Errorf("%s answered %d %s, want 422 naming %s", tc.path, r.Status, r.Body, tc.field)
		}
	}
}
