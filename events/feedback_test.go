package events

import (
	"testing"
	"time"
)

func logged(fbID, tp, metric string, score int) []fact {
	return on(feedbackAgg(tp), FeedbackLogged{FeedbackID: fbID, TouchpointID: tp, Metric: metric, Score: score, Source: SourceSurvey})
}

func TestLogFeedback(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	run(t, []scenario{
		{name: "log", given: world(),
			when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Comment: "on hold for ages", Segment: "young adults", Source: SourceCallCentre, OccurredAt: at},
			then: on(feedbackAgg(tp1), FeedbackLogged{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Comment: "on hold for ages",
				Segment: "young adults", Source: SourceCallCentre, OccurredAt: at.UTC()})},
		{name: "NPS from 0", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 0, Source: SourceSurvey},
			then: logged(fb1, tp1, MetricNPS, 0)},
		{name: "NPS to 10", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 10, Source: SourceSurvey},
			then: logged(fb1, tp1, MetricNPS, 10)},
		{name: "NPS 11 is off the scale", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 11, Source: SourceSurvey},
			code: CodeInvalid, field: "score"},
		{name: "NPS -1 is off the scale", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: -1, Source: SourceSurvey},
			code: CodeInvalid, field: "score"},
		{name: "CSAT 0 is off the scale", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCSAT, Score: 0, Source: SourceSurvey},
			code: CodeInvalid, field: "score"},
		{name: "CSAT 6 is off the scale", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCSAT, Score: 6, Source: SourceSurvey},
			code: CodeInvalid, field: "score"},
		{name: "CES 7", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 7, Source: SourceAmbassador},
			then: on(feedbackAgg(tp1), FeedbackLogged{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 7, Source: SourceAmbassador})},
		{name: "CES 8 is off the scale", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 8, Source: SourceSurvey},
			code: CodeInvalid, field: "score"},
		{name: "an unknown metric", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: "ltv", Score: 3, Source: SourceSurvey},
			code: CodeInvalid, field: "metric"},
		{name: "a source is a word", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 3, Source: "Call Centre"},
			code: CodeInvalid, field: "source"},
		{name: "a source is required", given: world(), when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 3},
			code: CodeInvalid, field: "source"},
		{name: "a retired touchpoint takes no new feedback", given: world(),
			when: LogFeedback{FeedbackID: fb1, TouchpointID: tpOld, Metric: MetricCES, Score: 3, Source: SourceSurvey}, code: CodeRuleForbids},
		{name: "an unknown touchpoint", given: world(),
			when: LogFeedback{FeedbackID: fb1, TouchpointID: fresh, Metric: MetricCES, Score: 3, Source: SourceSurvey}, code: CodeNotFound},
		{name: "a feedback id once", given: given(world(), logged(fb1, tp1, MetricNPS, 9)),
			when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricCES, Score: 3, Source: SourceSurvey}, code: CodeRuleForbids},
	})
}

func TestFollowUps(t *testing.T) {
	opened := on(followUpAgg(fb1), FollowUpOpened{FeedbackID: fb1, TouchpointID: tp1})
	run(t, []scenario{
		{name: "open for logged feedback", given: given(world(), logged(fb1, tp1, MetricNPS, 2)),
			when: OpenFollowUp{FeedbackID: fb1, AssigneeID: fay, Note: "call back"},
			then: on(followUpAgg(fb1), FollowUpOpened{FeedbackID: fb1, TouchpointID: tp1, AssigneeID: fay, Note: "call back"})},
		{name: "a follow-up only for feedback that exists", given: world(), when: OpenFollowUp{FeedbackID: fb1}, code: CodeNotFound},
		{name: "one follow-up per feedback", given: given(world(), logged(fb1, tp1, MetricNPS, 2), opened), when: OpenFollowUp{FeedbackID: fb1},
			code: CodeRuleForbids},
		{name: "an assignee who left", given: given(world(), logged(fb1, tp1, MetricNPS, 2)), when: OpenFollowUp{FeedbackID: fb1, AssigneeID: eve},
			code: CodeRuleForbids},
		{name: "an unknown assignee", given: given(world(), logged(fb1, tp1, MetricNPS, 2)), when: OpenFollowUp{FeedbackID: fb1, AssigneeID: fresh},
			code: CodeNotFound},

		{name: "close", given: given(world(), logged(fb1, tp1, MetricNPS, 2), opened),
			when: CloseFollowUp{FeedbackID: fb1, ActionTaken: "refunded the fee", CustomerInformed: true},
			then: on(followUpAgg(fb1), FollowUpClosed{ActionTaken: "refunded the fee", CustomerInformed: true})},
		{name: "close says what was done", given: given(world(), logged(fb1, tp1, MetricNPS, 2), opened),
			when: CloseFollowUp{FeedbackID: fb1}, code: CodeInvalid, field: "action_taken"},
		{name: "close twice", given: given(world(), logged(fb1, tp1, MetricNPS, 2), opened, on(followUpAgg(fb1), FollowUpClosed{ActionTaken: "a"})),
			when: CloseFollowUp{FeedbackID: fb1, ActionTaken: "b"}, code: CodeRuleForbids},
		{name: "close what was never opened", given: given(world(), logged(fb1, tp1, MetricNPS, 2)),
			when: CloseFollowUp{FeedbackID: fb1, ActionTaken: "b"}, code: CodeNotFound},
	})
}

func TestFeedbackPartitionSummary(t *testing.T) {
	s := replay(t, given(world(), logged(id(41), tp1, MetricNPS, 10), logged(id(42), tp1, MetricNPS, 0), logged(id(43), tp1, MetricCSAT, 4)))
	p, ok := s.FeedbackAt(tp1)
	if !ok {
		t.Fatal("no partition")
	}
	want := Summary{NPSCount: 2, Promoters: 1, Detractors: 1, CSATCount: 1, Satisfied: 1, CSATSum: 4}
	if p.Summary != want {
		t.Fatalf("summary %v, want %v", p.Summary, want)
	}
	if got := s.Stream(feedbackAgg(tp1)).Version; got != 3 {
		t.Fatalf("partition version %d, want 3", got)
	}
}

func TestLogFeedbackBatch(t *testing.T) {
	item := func(fb, tp string, metric string, score int) LogFeedback {
		return LogFeedback{FeedbackID: fb, TouchpointID: tp, Metric: metric, Score: score, Source: SourceSurvey}
	}
	tooMany := make([]LogFeedback, MaxFeedbackBatch+1)
	for i := range tooMany {
		tooMany[i] = item(id(1000+i), tp1, MetricCES, 2)
	}
	run(t, []scenario{
		{name: "log several at once", given: world(),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{item(id(41), tp1, MetricNPS, 10), item(id(42), tp1, MetricCSAT, 2)}},
			then: given(logged(id(41), tp1, MetricNPS, 10), logged(id(42), tp1, MetricCSAT, 2))},
		{name: "an empty batch", given: world(), when: LogFeedbackBatch{TouchpointID: tp1}, code: CodeInvalid, field: "items"},
		{name: "more than one append holds", given: world(), when: LogFeedbackBatch{TouchpointID: tp1, Items: tooMany}, code: CodeInvalid, field: "items"},
		{name: "one bad score rejects the batch and names the item", given: world(),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{item(id(41), tp1, MetricNPS, 10), item(id(42), tp1, MetricCSAT, 6)}},
			code: CodeInvalid, field: "items[1].score"},
		{name: "every item at the batch's touchpoint", given: world(),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{item(id(41), tpOld, MetricNPS, 10)}},
			code: CodeInvalid, field: "items[0].touchpoint_id"},
		{name: "a retired touchpoint takes no batch", given: world(),
			when: LogFeedbackBatch{TouchpointID: tpOld, Items: []LogFeedback{item(id(41), tpOld, MetricNPS, 10)}}, code: CodeRuleForbids},
		{name: "a feedback id once in a batch", given: world(),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{item(id(41), tp1, MetricNPS, 10), item(id(41), tp1, MetricNPS, 9)}},
			code: CodeRuleForbids},
		{name: "a feedback id already logged", given: given(world(), logged(id(41), tp1, MetricNPS, 9)),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{item(id(41), tp1, MetricNPS, 10)}}, code: CodeRuleForbids},
	})
}
