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

func TestOnlyAnEventRecordedMoreThanADayLateSaysWhenItWasRecorded(t *testing.T) {
	happened := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	for recorded, want := range map[time.Time]string{
		{}:                                 "",
		happened:                           "",
		happened.Add(24 * time.Hour):       "",
		happened.Add(24*time.Hour + 1):     "recorded 3 Mar 2026",
		happened.Add(200 * 24 * time.Hour): "recorded 18 Sep 2026",
	} {
		if got := recordedNote(happened, recorded); got != want {
			t.Errorf("recorded %v: %q, want %q", recorded, got, want)
		}
	}
}
