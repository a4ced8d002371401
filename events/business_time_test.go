package events

import (
	"strings"
	"testing"
	"time"
)

func TestBusinessTimesKeepEachAggregatesHistoryInOrderButNotFeedbacks(t *testing.T) {
	s := replay(t, people(ann))
	if got := s.Stream(personAgg(ann)).Occurred; !got.Equal(testTime) {
		t.Fatalf("the stream keeps business time %v, want %v", got, testTime)
	}
	now := testTime.Add(48 * time.Hour)
	change := Decision{Aggregate: personAgg(ann), Events: []Payload{PersonLeft{PersonID: ann}}}
	check := func(at time.Time, given bool) error {
		evs, _, err := s.Events(change, Meta{Time: at})
		if err != nil {
			t.Fatal(err)
		}
		return s.checkTimes(change.Aggregate, evs, given, now)
	}
	if err := check(testTime.Add(time.Hour), true); err != nil {
		t.Fatalf("a time after the last event's and before now: %v", err)
	}
	err := check(testTime.Add(-time.Minute), true)
	if ErrorCode(err) != CodeRuleForbids || !strings.Contains(err.Error(), testTime.Format(time.RFC3339)) {
		t.Fatalf("a time before the last event's: %v, want rule_forbids naming %s", err, testTime.Format(time.RFC3339))
	}
	if err := check(testTime.Add(-time.Minute), false); err != nil {
		t.Fatalf("a time the command did not give (a replica's clock behind) is not held against the history: %v", err)
	}
	err = check(now.Add(90*time.Minute), true)
	if ErrorCode(err) != CodeInvalid || !hasField(err, FieldOccurredAt) || !strings.Contains(err.Error(), "1h30m0s in the future") {
		t.Fatalf("a future time: %v, want invalid occurred_at saying 1h30m0s", err)
	}

	// A touchpoint's feedback takes any order, and each item's event is
	// dated by the item's own occurred_at.
	fs := replay(t, given(council(), crews(), journeys()))
	customer := testTime.Add(-300 * 24 * time.Hour)
	batch := LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{
		{FeedbackID: id(41), TouchpointID: tp1, Metric: MetricNPS, Score: 9, Source: SourceSurvey, OccurredAt: customer},
		{FeedbackID: id(42), TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey},
	}}
	d, err := batch.Decide(fs)
	if err != nil {
		t.Fatal(err)
	}
	evs, _, err := fs.Events(d, Meta{Time: testTime})
	if err != nil {
		t.Fatal(err)
	}
	if !evs[0].Time.Equal(customer) || !evs[1].Time.Equal(testTime) {
		t.Fatalf("event times %v, %v; want the item's own %v, then the command's %v", evs[0].Time, evs[1].Time, customer, testTime)
	}
	if err := fs.checkTimes(d.Aggregate, evs, true, now); err != nil {
		t.Fatalf("old feedback is not held against the partition: %v", err)
	}
	evs[1].Time = now.Add(time.Second)
	if err := fs.checkTimes(d.Aggregate, evs, true, now); !hasField(err, "items[1].occurred_at") {
		t.Fatalf("a future item: %v, want items[1].occurred_at", err)
	}
}

func TestACheckpointKeepsEachAggregatesBusinessTime(t *testing.T) {
	s := replay(t, people(ann))
	var buf strings.Builder
	if err := s.SaveCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	n := NewState()
	if err := n.LoadCheckpoint(strings.NewReader(buf.String())); err != nil {
		t.Fatal(err)
	}
	if got := n.Stream(personAgg(ann)).Occurred; !got.Equal(testTime) {
		t.Fatalf("loaded business time %v, want %v", got, testTime)
	}
}
