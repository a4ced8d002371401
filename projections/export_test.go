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
