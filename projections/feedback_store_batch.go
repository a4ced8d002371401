package projections

import "time"

// itemBatch is how many items the writer goroutine inserts with one
// statement when that many wait one after another: one statement instead
// of many saves SQLite starting and ending each (binding is the same).
const itemBatch = 64

// storeChange is one change queued for the writer goroutine: an item to
// insert, or any other change to run.
type storeChange struct {
	run  func()
	item itemWrite
}

// itemWrite is an item to insert as the item of record seq; then is told,
// once it is written, whether its id was logged before (see logItemLater).
type itemWrite struct {
	seq  uint64
	row  itemRow
	then func(it FeedbackItem, again bool)
}

// gather adds to items those queued right behind them, up to itemBatch,
// without waiting. It answers the first other change it took from the
// queue (have says whether it took one), and whether the queue is still
// open.
func (s *itemStore) gather(items *[]itemWrite) (next storeChange, have, open bool) {
	for len(*items) < itemBatch {
		select {
		case next, open = <-s.queue:
			if !open {
				return next, false, false
			}
			if next.run != nil {
				return next, true, true
			}
			*items = append(*items, next.item)
		default:
			return next, false, true
		}
	}
	return next, false, true
}

// insertItems writes items in the open transaction, as logItemLater writes
// each, and tells each its then.
func (s *itemStore) insertItems(items []itemWrite) {
	s.mu.Lock()
	told := s.writeItems(items)
	again := make([]bool, len(items))
	for i, w := range items {
		again[i] = s.again[w.seq]
	}
	s.mu.Unlock()
	for i, w := range items {
		if told[i] {
			w.then(w.row.it, again[i])
		}
	}
}

// writeItems is write for each of items, a run of itemBatch at once; it
// answers which items are in the store (s.mu held).
func (s *itemStore) writeItems(items []itemWrite) (told []bool) {
	told = make([]bool, len(items))
	fresh := make([]int, 0, len(items))
	for i, w := range items {
		switch {
		case w.seq != 0 && w.seq <= s.applied:
			told[i] = true // in the store already
		case s.err == nil:
			fresh = append(fresh, i)
		}
	}
	if len(fresh) == 0 || s.begin() != nil {
		return told
	}
	args := make([]any, 0, 17*itemBatch)
	for rest := fresh; len(rest) > 0; {
		var err error
		if len(rest) >= itemBatch {
			err = s.insertRun(items, rest[:itemBatch], args[:0])
			rest = rest[itemBatch:]
		} else {
			_, err = s.insertRow(s.stmts, items[rest[0]].seq, items[rest[0]].row)
			rest = rest[1:]
		}
		if err != nil {
			_ = s.fail(err)
			return told
		}
	}
	for _, i := range fresh {
		s.applied = max(s.applied, items[i].seq)
	}
	s.pending += len(fresh)
	if s.pending >= itemCommitRecords || time.Since(s.began) >= itemCommitAge {
		if s.commit() != nil {
			return told
		}
	}
	for _, i := range fresh {
		told[i] = true
	}
	return told
}

// insertRun inserts the items at run with one statement, and keeps in dups
// those whose id the store held already, or held twice in the run.
func (s *itemStore) insertRun(items []itemWrite, run []int, args []any) error {
	var err error
	for _, i := range run {
		if args, err = s.rowArgs(s.stmts, args, items[i].seq, items[i].row); err != nil {
			return err
		}
	}
	res, err := s.stmts.inserts.Exec(args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n == int64(len(run)) {
		return err
	}
	// Some ids were there: those whose row is another record's.
	for _, i := range run {
		var seq int64
		if err := s.tx.QueryRow(`SELECT seq FROM items WHERE id = ?`, items[i].row.it.ID).Scan(&seq); err != nil {
			return err
		}
		if uint64(seq) != items[i].seq {
			if err := s.keepDup(s.stmts, items[i].seq, items[i].row); err != nil {
				return err
			}
		}
	}
	return nil
}
