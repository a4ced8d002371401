package projections

import (
	"context"
	"fmt"
	"strings"
)

// deferredWrites holds what a store in memory has taken in and not yet
// written to SQLite. A store in memory (views built at a cut, replays)
// is mostly never listed: its model's reads come from the running
// aggregates in memory. So it writes nothing while it is filled, and
// writes it all at once, its indexes built after the rows, on its first
// read of items; from then on it writes each change at once, as before.
// Writing row by row into six indexes was most of the cost of building
// views at a cut.
type deferredWrites struct {
	// seen holds the id of every item taken in, with the number of the
	// account it names (0 for none, else its place in accounts plus one):
	// whether an id was logged before, and a follow-up's account, are
	// known without SQLite, at 4 bytes an item rather than a string's 16.
	seen       map[string]uint32
	accounts   []string
	accountNum map[string]uint32
	changes    []func(itemStmts) error
}

func newDeferredWrites() *deferredWrites {
	return &deferredWrites{seen: map[string]uint32{}, accountNum: map[string]uint32{}}
}

// take keeps that id was logged naming account ("" for none), unless it
// was logged before; it answers whether it was.
func (d *deferredWrites) take(id, account string) (again bool) {
	if _, again = d.seen[id]; again {
		return true
	}
	n, ok := d.accountNum[account]
	if !ok && account != "" {
		d.accounts = append(d.accounts, account)
		n = uint32(len(d.accounts))
		d.accountNum[account] = n
	}
	d.seen[id] = n
	return false
}

// accountOf is the account the item id names ("" for none), and whether
// it was logged.
func (d *deferredWrites) accountOf(id string) (string, bool) {
	n, ok := d.seen[id]
	if !ok || n == 0 {
		return "", ok
	}
	return d.accounts[n-1], true
}

// isIndex says whether a statement of itemDDL builds an index, which a
// store in memory builds once it has its rows (materialize).
func isIndex(ddl string) bool { return strings.HasPrefix(ddl, "CREATE INDEX") }

// deferChange keeps change of record seq for later, if the store is deferring
// its writes (s.mu held): false when it is not. A record at or before
// the applied sequence is in the store already, as with write.
func (s *itemStore) deferChange(seq uint64, change func(itemStmts) error) bool {
	if s.deferred == nil {
		return false
	}
	if s.err != nil || seq != 0 && seq <= s.applied {
		return true
	}
	s.deferred.changes = append(s.deferred.changes, change)
	s.applied = max(s.applied, seq)
	return true
}

// logDeferred is logItemLater for a store that defers its writes (s.mu
// held): false when it does not.
func (s *itemStore) logDeferred(seq uint64, row itemRow, then func(it FeedbackItem, again bool)) bool {
	if s.deferred == nil {
		return false
	}
	s.logRowDeferred(seq, row, then)
	return true
}

// logRowDeferred is logDeferred on a store that defers (s.mu held): apart,
// so that the row, which its change holds, moves to the heap only here.
func (s *itemStore) logRowDeferred(seq uint64, row itemRow, then func(it FeedbackItem, again bool)) {
	if s.err == nil && (seq == 0 || seq > s.applied) {
		if s.deferred.take(row.it.ID, row.it.AccountID) {
			s.again[seq] = true
		}
	}
	s.deferChange(seq, func(st itemStmts) error {
		_, err := s.insertRow(st, seq, row)
		return err
	})
	if s.err == nil {
		then(row.it, s.again[seq])
	}
}

// materialize writes what the store deferred, in the order taken in, then
// builds its indexes, and writes each change at once from then on (s.mu
// held).
func (s *itemStore) materialize() error {
	d := s.deferred
	if d == nil || s.err != nil {
		return s.err
	}
	s.deferred = nil
	if err := s.begin(); err != nil {
		return err
	}
	for _, change := range d.changes {
		if err := change(s.stmts); err != nil {
			return s.fail(err)
		}
	}
	if err := s.commit(); err != nil {
		return err
	}
	for _, ddl := range itemDDL {
		if !isIndex(ddl) {
			continue
		}
		if _, err := s.db.ExecContext(context.Background(), ddl); err != nil {
			return s.fail(fmt.Errorf("index the items: %w", err))
		}
	}
	return nil
}
