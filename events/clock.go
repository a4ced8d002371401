package events

import "time"

// Clock answers what time it is in the business: when an event happened,
// where a report's period ends by default, where the demo's year ends.
// Everything in the tracker that asks "what time is it" asks a Clock, so
// that a test pins one and the product behaves the same on any date. What
// only measures a duration (a timeout, a latency) keeps the monotonic clock.
//
// A nil Clock is the system clock, so a zero Config or Deps reads real time.
type Clock func() time.Time

// SystemClock is the wall clock.
var SystemClock Clock = time.Now

// FixedClock always answers t, for tests and for commands told a time.
func FixedClock(t time.Time) Clock { return func() time.Time { return t } }

// Now is the clock's time in UTC: the tracker keeps and shows times in UTC,
// so nothing it writes depends on the machine's time zone.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now().UTC()
	}
	return c().UTC()
}
