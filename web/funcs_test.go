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
