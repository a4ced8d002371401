package projections

import (
	"reflect"
	"strings"
)

// Dump prints everything v holds, following pointers and sorting map
// entries (see dump), for tests outside the package.
func Dump(v any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(v), map[uintptr]bool{})
	return b.String()
}

// ShortDays makes the days of the daily cells and of the report history a
// second long, so that a test sees many in seconds; the returned function
// puts them back.
func ShortDays() func() {
	daySeconds = 1
	return func() { daySeconds = 86400 }
}

// ReportReplays is how many council reports CouncilReportOf has left to a
// replay since the process started.
func ReportReplays() uint64 { return reportReplays.Load() }
