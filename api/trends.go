package api

import (
	"cmp"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// TrendsQuery documents the query of GET /v1/feedback/trends.
type TrendsQuery struct {
	Period  string `query:"period" doc:"week (from Monday, ISO 8601) or month; month when absent"`
	By      string `query:"by" doc:"stage or touchpoint; stage when absent"`
	Journey string `query:"journey" doc:"a journey id"`
	Metric  string `query:"metric" doc:"nps, csat or ces; all when absent"`
	From    string `query:"from" doc:"RFC 3339; the periods that end after it"`
	To      string `query:"to" doc:"RFC 3339; the periods that start before it"`
	Segment string `query:"segment" doc:"only the feedback of this segment; all when absent"`
}

// TrendsView is a trend: per period (oldest first, only periods with
// feedback), per stage or touchpoint in the order of the journey map.
type TrendsView struct {
	Period    string            `json:"period"`
	By        string            `json:"by"`
	JourneyID string            `json:"journey_id,omitempty"`
	Metric    string            `json:"metric,omitempty"`
	Segment   string            `json:"segment,omitempty"`
	Periods   []TrendPeriodView `json:"periods"`
}

// TrendPeriodView is one period of a trend.
type TrendPeriodView struct {
	// Period is the week's Monday (2025-03-10) or the month (2025-03), UTC.
	Period string           `json:"period"`
	Groups []TrendGroupView `json:"groups"`
	From   time.Time        `json:"from"`
	To     time.Time        `json:"to"`
}

// TrendGroupView is one stage's or touchpoint's figures in a period, named
// as the map names them now.
type TrendGroupView struct {
	projections.TrendGroup
	StageName      string `json:"stage_name"`
	TouchpointName string `json:"touchpoint_name,omitempty"`
}

func (s *Server) feedbackTrends(c echo.Context) error {
	var errs fieldErrors
	q := projections.TrendQuery{
		Period: cmp.Or(queryWord(c, &errs, "period", projections.PeriodWeek, projections.PeriodMonth), projections.PeriodMonth),
		By:     cmp.Or(queryWord(c, &errs, "by", projections.TrendByStage, projections.TrendByTouchpoint), projections.TrendByStage),
	}
	q.JourneyID, q.Metric, q.From, q.To = feedbackScope(c, &errs)
	q.Segment = c.QueryParam("segment")
	if len(errs) > 0 {
		return invalid(errs...)
	}
	out := TrendsView{Period: q.Period, By: q.By, JourneyID: q.JourneyID, Metric: q.Metric, Segment: q.Segment, Periods: []TrendPeriodView{}}
	places := mapPlaces{journeys: s.Views.Journeys, seen: map[string]bool{}, at: map[string]mapPlace{}}
	for _, p := range s.Views.Feedback.Trends(q) {
		pv := TrendPeriodView{Period: p.Period, From: p.From, To: p.To}
		for _, g := range p.Groups {
			stage, tp := places.of(g.JourneyID, g.StageID), places.of(g.JourneyID, g.TouchpointID)
			pv.Groups = append(pv.Groups, TrendGroupView{TrendGroup: g, StageName: stage.name, TouchpointName: tp.name})
		}
		slices.SortStableFunc(pv.Groups, func(a, b TrendGroupView) int {
			pa, pb := places.of(a.JourneyID, a.StageID), places.of(b.JourneyID, b.StageID)
			ta, tb := places.of(a.JourneyID, a.TouchpointID), places.of(b.JourneyID, b.TouchpointID)
			return cmp.Or(cmp.Compare(a.JourneyID, b.JourneyID), cmp.Compare(pa.rank, pb.rank), cmp.Compare(ta.rank, tb.rank))
		})
		out.Periods = append(out.Periods, pv)
	}
	return ok(c, out)
}

// mapPlaces names the stages and touchpoints of trends and ranks them in
// the order of their journey's map, reading each map once per request.
type mapPlaces struct {
	journeys *projections.Journeys
	seen     map[string]bool
	at       map[string]mapPlace // stage or touchpoint id
}

type mapPlace struct {
	name string
	rank int
}

func (m mapPlaces) of(journeyID, id string) mapPlace {
	if !m.seen[journeyID] {
		m.seen[journeyID] = true
		j, _ := m.journeys.Get(journeyID)
		rank := 0
		for _, st := range j.Stages {
			m.at[st.ID] = mapPlace{name: st.Name, rank: rank}
			for _, tp := range st.Touchpoints {
				rank++
				m.at[tp.ID] = mapPlace{name: tp.Name, rank: rank}
			}
			rank++
		}
	}
	return m.at[id]
}
