package web

import (
	"testing"
	"time"
)

func TestAgeSaysJustNowForTimesNotYetPast(t *testing.T) {
	now := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	for at, want := range map[time.Time]string{
		now.Add(time.Hour):         "just now",
		now.Add(-30 * time.Second): "just now",
		now.Add(-5 * time.Minute):  "5 minutes ago",
		now.Add(-time.Hour):        "1 hour ago",
		now.Add(-72 * time.Hour):   "3 days ago",
	} {
		if got := age(now, at); got != want {
			t.Errorf("age of %s = %q, want %q", at, got, want)
		}
	}
}

// A span reads as a length of time, never as an age: a follow-up closed
// eight days after it was opened "took 8 days".
func TestSpanSaysHowLongWithoutAgo(t *testing.T) {
	from := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0:                             "under a minute",
		30 * time.Second:              "under a minute",
		time.Minute:                   "1 minute",
		5 * time.Hour:                 "5 hours",
		8 * 24 * time.Hour:            "8 days",
		-48 * time.Hour:               "under a minute",
		47*time.Hour + 59*time.Minute: "47 hours",
	} {
		if got := span(from, from.Add(d)); got != want {
			t.Errorf("span of %s = %q, want %q", d, got, want)
		}
	}
}
