package projections

import (
	"context"
	"database/sql"
	"sync"
)

// itemNames numbers the journeys, touchpoints and metrics the item store's
// rows name, from 1 in the order first written, in one dictionary kept in
// the store (table names) and in memory. The indexes hold the numbers: a
// number is a byte or two where an id is 26. A name is numbered in the
// transaction that writes its first row, so the store never holds a row
// whose number it cannot read back.
type itemNames struct {
	mu   sync.RWMutex
	nums map[string]int64
}

// load reads the dictionary of a store.
func (n *itemNames) load(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT name, num FROM names`)
	if err != nil {
		return err
	}
	defer rows.Close()
	nums := map[string]int64{}
	for rows.Next() {
		var (
			name string
			num  int64
		)
		if err := rows.Scan(&name, &num); err != nil {
			return err
		}
		nums[name] = num
	}
	n.mu.Lock()
	n.nums = nums
	n.mu.Unlock()
	return rows.Err()
}

// numOf is the number of name for a read: 0, which no name has, when no
// row names it, so that a query for it finds nothing.
func (n *itemNames) numOf(name string) int64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.nums[name]
}

// num is the number of name for a write with st, numbering it (and
// writing that down) when it is new. Only the store's writer calls it.
func (n *itemNames) num(st itemStmts, name string) (int64, error) {
	if k := n.numOf(name); k != 0 {
		return k, nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	k := int64(len(n.nums)) + 1
	if _, err := st.name.Exec(name, k); err != nil {
		return 0, err
	}
	n.nums[name] = k
	return k, nil
}
