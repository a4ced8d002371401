package projections

import (
	"maps"
	"slices"
)

// viewOf is the view of the row with id, and false if there is none. A
// model calls it under its read lock; view makes the copy the caller keeps.
func viewOf[R, V any](rows map[string]*R, id string, view func(*R) V) (V, bool) {
	row, ok := rows[id]
	if !ok {
		var none V
		return none, false
	}
	return view(row), true
}

// viewsByID is the view of every row, ordered by id, for a model whose rows
// are keyed by their own id. A model calls it under its read lock.
func viewsByID[R, V any](rows map[string]*R, view func(*R) V) []V {
	out := make([]V, 0, len(rows))
	for _, id := range slices.Sorted(maps.Keys(rows)) {
		out = append(out, view(rows[id]))
	}
	return out
}
