package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
)

// The note beside an event follows the API's recorded_late, not the gap
// between when it happened and when it was recorded: an event of a year
// loaded today is recorded months after it happened and gets no note; the
// one the API marks gets "recorded <date>", the date it was recorded.
func TestTheRecordedNoteFollowsRecordedLate(t *testing.T) {
	happened := time.Date(2025, 5, 15, 10, 0, 0, 0, time.UTC)
	recorded := time.Date(2025, 12, 3, 9, 30, 0, 0, time.UTC)
	row := func(seq uint64, late bool) eventRow {
		return eventRow{EventView: api.EventView{Seq: seq, Event: "initiative_decided", Aggregate: "initiative", AggregateID: "x",
			Time: happened, OccurredAt: happened, RecordedAt: recorded, RecordedLate: late}}
	}
	page := historyPage{Kind: "initiative", ID: "x", Events: []eventRow{row(7, false), row(8, true)}}
	var b bytes.Buffer
	if err := mustParsePages().by["history"].ExecuteTemplate(&b, "layout", view{Data: page}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	seven, eight, ok := strings.Cut(html[strings.Index(html, `data-seq="7"`):], `data-seq="8"`)
	if !ok {
		t.Fatalf("the page does not show both events:\n%s", html)
	}
	if strings.Contains(seven, "recorded-late") {
		t.Errorf("the event not recorded late is marked:\n%s", seven)
	}
	if !strings.Contains(eight, `<span class="recorded-late">(recorded 3 Dec 2025)</span>`) {
		t.Errorf("the event recorded late is not marked with its recorded date:\n%s", eight)
	}
	if got := recordedNote(false, recorded); got != "" {
		t.Errorf("not late: %q", got)
	}
}
