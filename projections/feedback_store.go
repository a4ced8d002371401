package projections

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"
)

// itemStore keeps the feedback items on disk, in an SQLite database that is
// a projection like any other: it is written from the log, and the
// sequence of the last record it took in is written in the same
// transaction, so that a start knows where it stands and goes on from there
// (or fills it again from the log when it is missing). Only the feedback
// model writes it, from the projector's goroutine; readers list and fetch
// items from it concurrently.
//
// Writes gather in one open transaction, committed when it holds
// itemCommitRecords records, when it is itemCommitAge old, and at Close.
// A read sees every record the model has applied: inside the open
// transaction while it is young, else after committing it (see reading).
// A crash loses only what was not committed, and the applied sequence
// says so: the records after it are applied again.
type itemStore struct {
	db   *sql.DB
	path string // "" for a store in memory
	// serial says the store has one connection (a store in memory): reads
	// then hold mu, so that they never wait for a write transaction that
	// only they would commit.
	serial bool

	// writer is the one connection of a store on disk that writes, with
	// a page cache of itemWriterCache: items come in id order, but two
	// of the indexes are in occurred-at order, and a cache that holds
	// their pages keeps a commit from writing most of them again.
	writer *sql.Conn

	mu      sync.Mutex
	tx      *sql.Tx
	stmts   itemStmts
	began   time.Time
	pending int
	// applied is the sequence of the newest record taken in (committed or
	// not); committed is the one the database holds.
	applied, committed uint64
	// names numbers the journeys, touchpoints and metrics of the items.
	names itemNames
	// again holds the sequences of the records in dups: a replay of
	// records the store holds already is told which were logged again.
	again map[uint64]bool
	// deferred holds the writes of a store in memory until its first read
	// of items (see deferredWrites); nil once written, and for a store on
	// disk.
	deferred *deferredWrites
	err      error
	// failed is err once set, for failure.
	failed atomic.Pointer[error]

	// queue carries the changes of a store on disk to its writer
	// goroutine (see later), so that the projector does not wait for
	// SQLite; nil for a store in memory, which writes at once. sent and
	// ran count the changes queued and written: a read waits until ran
	// reaches what was sent when it began (settle).
	queue   chan storeChange
	drained chan struct{}
	sending sync.RWMutex
	closed  bool
	qmu     sync.Mutex
	ranCond *sync.Cond
	sent    uint64
	ran     uint64

	// overdue is the last count of overdue follow-ups (overdueCache).
	overdue overdueCache
}

// itemStmts are the write statements of the open transaction.
type itemStmts struct {
	insert, dup, open, close, escalate, name *sql.Stmt
	// erase overwrites the comments of an account's items (eraseLater).
	erase *sql.Stmt
	// inserts writes itemBatch items at once, as insert each.
	inserts *sql.Stmt
}

const (
	itemWriterCache   = 64 << 20
	itemCommitRecords = 32768
	itemCommitAge     = 5 * time.Second
	// itemWALPages is how many pages the write-ahead log may hold before
	// they are copied into the database (SQLite's default is 1,000): an
	// index page that changes in many commits is copied once.
	itemWALPages = 16384
	// itemQueue is how many changes may wait for the writer goroutine:
	// past that, the projector waits for the store.
	itemQueue = 8192
	// itemSchema is the version of the layout below; a store of another
	// version is filled again from the log. 6: written with secure_delete
	// on, so its free space holds no erased comment.
	itemSchema = 6
)

// itemDDL is the layout of the store. Items are kept by id (the order
// lists are paged in); two pairs of indexes serve the filtered lists, each
// pair by scope (a journey and metric, or a touchpoint): one in id order
// (a list that matches many items walks it from the cursor) and one in
// occurred_at order (a list of a short period reads the period and sorts
// its ids); the filter's columns are in each index, so that passing over
// an item that does not match reads no row. The indexes hold a journey,
// touchpoint or metric by its number (columns j, t and m, see itemNames)
// rather than its text: entries half as long make each insert split and
// search fewer pages. Follow-ups are few and have
// their own partial index; so have the items that name an account.
var itemDDL = []string{
	`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`,
	// names numbers each journey, touchpoint and metric the items name
	// (see itemNames): the indexes hold the numbers, not the text.
	`CREATE TABLE IF NOT EXISTS names (name TEXT PRIMARY KEY, num INTEGER NOT NULL) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS items (
		id TEXT PRIMARY KEY, seq INTEGER NOT NULL,
		touchpoint TEXT NOT NULL, journey TEXT NOT NULL, stage TEXT NOT NULL,
		t INTEGER NOT NULL, j INTEGER NOT NULL, m INTEGER NOT NULL,
		metric TEXT NOT NULL, score INTEGER NOT NULL, comment TEXT NOT NULL, segment TEXT NOT NULL, source TEXT NOT NULL,
		occurred INTEGER NOT NULL, logged TEXT NOT NULL, stored BLOB NOT NULL,
		follow INTEGER NOT NULL DEFAULT 0, assignee TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', opened TEXT NOT NULL DEFAULT '',
		action TEXT NOT NULL DEFAULT '', informed INTEGER NOT NULL DEFAULT 0, closed TEXT NOT NULL DEFAULT '',
		account TEXT NOT NULL DEFAULT '',
		rule TEXT NOT NULL DEFAULT '', due INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0, escalated_to TEXT NOT NULL DEFAULT ''
	) WITHOUT ROWID`,
	// dups keeps each feedback_logged event whose id the store held
	// already (the write side refuses them, a log may hold them): the
	// council report counts them, as a replay does.
	`CREATE TABLE IF NOT EXISTS dups (seq INTEGER PRIMARY KEY, touchpoint TEXT NOT NULL, metric TEXT NOT NULL, score INTEGER NOT NULL, occurred BLOB NOT NULL, segment TEXT NOT NULL, stored BLOB NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS items_jm_id ON items (j, m, id, occurred)`,
	`CREATE INDEX IF NOT EXISTS items_jm_at ON items (j, m, occurred, id)`,
	`CREATE INDEX IF NOT EXISTS items_t_id ON items (t, id, occurred, m)`,
	`CREATE INDEX IF NOT EXISTS items_t_at ON items (t, occurred, id, m)`,
	`CREATE INDEX IF NOT EXISTS items_follow ON items (follow, t, id) WHERE follow > 0`,
	`CREATE INDEX IF NOT EXISTS items_account ON items (account, id) WHERE account != ''`,
	// items_due serves the queue of open follow-ups by due time.
	`CREATE INDEX IF NOT EXISTS items_due ON items (due, id) WHERE follow = 1 AND due > 0`,
	// items_stored serves the period figures cut by recorded time: the
	// items the log stored on the cut's day, before it (see periodSums).
	`CREATE INDEX IF NOT EXISTS items_stored ON items (stored)`,
}

// Follow-up states as the store keeps them.
const (
	followNone = iota
	followOpen
	followClosed
)

// ItemStoreFile is the store's file under a data directory.
const ItemStoreFile = "feedback.db"

// openItemStore opens (or creates) the store in dir, or in memory when dir
// is "". A store written by another layout is started afresh.
func openItemStore(dir string) (*itemStore, error) {
	s := &itemStore{}
	if dir == "" {
		db, err := sql.Open("sqlite", "file::memory:")
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		s.db, s.serial = db, true
		s.deferred = newDeferredWrites()
	} else {
		s.path = filepath.Join(dir, ItemStoreFile)
		// WAL lets readers go on while a write transaction is open;
		// synchronous=NORMAL does not fsync each commit, which a store
		// that the log can fill again does not need.
		dsn := "file:" + s.path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=cache_size(-4096)"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		s.db = db
	}
	if err := s.prepare(); err != nil {
		_ = s.db.Close()
		if s.path == "" {
			return nil, err
		}
		// A store that cannot be read is only a copy of the log: start
		// it afresh.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if rmErr := os.Remove(s.path + suffix); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
				return nil, fmt.Errorf("feedback store: %w (and it cannot be removed: %v)", err, rmErr)
			}
		}
		return openItemStore(dir)
	}
	if s.path != "" {
		ctx := context.Background()
		w, err := s.db.Conn(ctx)
		if err == nil {
			_, err = w.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", itemWriterCache>>10))
		}
		if err == nil {
			_, err = w.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", itemWALPages))
		}
		if err == nil {
			// Space freed by a change is zeroed, not left holding what
			// was there: an erased comment leaves no copy (eraseLater).
			_, err = w.ExecContext(ctx, "PRAGMA secure_delete = ON")
		}
		if err != nil {
			_ = s.db.Close()
			return nil, fmt.Errorf("feedback store: %w", err)
		}
		s.writer = w
		s.queue, s.drained = make(chan storeChange, itemQueue), make(chan struct{})
		s.ranCond = sync.NewCond(&s.qmu)
		go s.drain()
	}
	return s, nil
}

// later runs change on the store's writer goroutine, in the order given,
// or at once for a store in memory. The error is the store's failure so
// far: one met by a change run later is answered by the next call, and by
// every read.
func (s *itemStore) later(change func()) error {
	if s.queue == nil {
		change()
		return s.failure()
	}
	return s.enqueue(storeChange{run: change})
}

// enqueue hands change to the writer goroutine (see later).
func (s *itemStore) enqueue(change storeChange) error {
	if err := s.failure(); err != nil {
		return err
	}
	s.sending.RLock()
	defer s.sending.RUnlock()
	if s.closed {
		return errors.New("feedback store: closed")
	}
	s.qmu.Lock()
	s.sent++
	s.qmu.Unlock()
	s.queue <- change
	return nil
}

// drain is the writer goroutine: it runs the queued changes until the
// queue is closed, items that wait one after another together (see
// insertItems).
func (s *itemStore) drain() {
	defer close(s.drained)
	items := make([]itemWrite, 0, itemBatch)
	var next storeChange
	have, open := false, true
	for {
		change := next
		if !have {
			if change, open = <-s.queue; !open {
				return
			}
		}
		ran := 1
		if change.run != nil {
			change.run()
			have = false
		} else {
			items = append(items[:0], change.item)
			next, have, open = s.gather(&items)
			s.insertItems(items)
			ran = len(items)
		}
		s.qmu.Lock()
		s.ran += uint64(ran)
		s.ranCond.Broadcast()
		s.qmu.Unlock()
		if !open && !have {
			return
		}
	}
}

// settle waits until every change queued before it has been written (or
// has failed): what a read must see.
func (s *itemStore) settle() {
	if s.queue == nil {
		return
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	for want := s.sent; s.ran < want; {
		s.ranCond.Wait()
	}
}

// failure is the store's first failure, nil while it works. It takes no
// lock, so the projector never waits for a change under way to ask.
func (s *itemStore) failure() error {
	if err := s.failed.Load(); err != nil {
		return *err
	}
	return nil
}

// prepare creates the layout, or checks the one found, and reads the
// applied sequence.
func (s *itemStore) prepare() error {
	ctx := context.Background()
	var version int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&version)
	switch {
	case err == nil && version != itemSchema:
		return fmt.Errorf("feedback store: layout %d, this version writes %d", version, itemSchema)
	case err != nil && !errors.Is(err, sql.ErrNoRows) && !isNoTable(err):
		return fmt.Errorf("feedback store: %w", err)
	}
	for _, ddl := range itemDDL {
		if s.deferred != nil && isIndex(ddl) {
			continue
		}
		if _, err := s.db.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("feedback store: %w", err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?), ('applied', 0)`, itemSchema); err != nil {
		return fmt.Errorf("feedback store: %w", err)
	}
	var applied int64
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'applied'`).Scan(&applied); err != nil {
		return fmt.Errorf("feedback store: %w", err)
	}
	s.applied, s.committed = uint64(applied), uint64(applied)
	if err := s.names.load(ctx, s.db); err != nil {
		return fmt.Errorf("feedback store: %w", err)
	}
	s.again = map[uint64]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT seq FROM dups`)
	if err != nil {
		return fmt.Errorf("feedback store: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return fmt.Errorf("feedback store: %w", err)
		}
		s.again[uint64(seq)] = true
	}
	return rows.Err()
}

// itemRow is an item as the store writes it, which the log stored at
// stored. Its time keys (timeKey) are made as it is written, on the
// writer goroutine, and not at all for an item the store holds already.
type itemRow struct {
	it     FeedbackItem
	logged []byte
	stored time.Time
}

// itemRowOf is it, which the log stored at stored, as the store writes
// it; an error for a time that has no text form.
func itemRowOf(it FeedbackItem, stored time.Time) (itemRow, error) {
	logged, err := it.LoggedAt.MarshalText()
	return itemRow{it: it, logged: logged, stored: stored}, err
}

// logItemLater stores the item of record seq on the writer goroutine (see
// later); then is told there whether its id was logged before, unless the
// store failed. An item logged again is kept as first logged, and the
// record in dups; a record the store took in already is answered from
// what it recorded then.
func (s *itemStore) logItemLater(seq uint64, stored time.Time, it FeedbackItem, then func(it FeedbackItem, again bool)) error {
	row, err := itemRowOf(it, stored)
	if err != nil {
		return err
	}
	s.mu.Lock()
	deferred := s.logDeferred(seq, row, then)
	s.mu.Unlock()
	if deferred {
		return s.failure()
	}
	if s.queue == nil {
		if again, err := s.insert(seq, row); err == nil {
			then(it, again)
		}
		return s.failure()
	}
	return s.enqueue(storeChange{item: itemWrite{seq: seq, row: row, then: then}})
}

// insert writes row as the item of record seq (see logItemLater).
func (s *itemStore) insert(seq uint64, row itemRow) (again bool, err error) {
	err = s.write(seq, func(st itemStmts) error {
		_, err := s.insertRow(st, seq, row)
		return err
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.again[seq], err
}

// insertRow writes row as the item of record seq with st, or the record
// in dups when the store holds its id already (s.mu held).
func (s *itemStore) insertRow(st itemStmts, seq uint64, row itemRow) (again bool, err error) {
	args, err := s.rowArgs(st, nil, seq, row)
	if err != nil {
		return false, err
	}
	res, err := st.insert.Exec(args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return false, err
	}
	return true, s.keepDup(st, seq, row)
}

// rowArgs appends to args the values insert writes for row as the item of
// record seq, numbering its names (s.mu held).
func (s *itemStore) rowArgs(st itemStmts, args []any, seq uint64, row itemRow) ([]any, error) {
	it := row.it
	t, err := s.names.num(st, it.TouchpointID)
	if err != nil {
		return nil, err
	}
	j, err := s.names.num(st, it.JourneyID)
	if err != nil {
		return nil, err
	}
	m, err := s.names.num(st, it.Metric)
	if err != nil {
		return nil, err
	}
	return append(args, it.ID, int64(seq), it.TouchpointID, it.JourneyID, it.StageID, t, j, m, it.Metric, it.Score, it.Comment, it.Segment, it.Source,
		timeKey(it.OccurredAt), string(row.logged), timeKey(row.stored), it.AccountID), nil
}

// keepDup keeps record seq, whose item's id the store holds already, in
// dups (s.mu held).
func (s *itemStore) keepDup(st itemStmts, seq uint64, row itemRow) error {
	s.again[seq] = true
	it := row.it
	_, err := st.dup.Exec(int64(seq), it.TouchpointID, it.Metric, it.Score, timeKey(it.OccurredAt), it.Segment, timeKey(row.stored))
	return err
}

// accountOf reports whether the store holds an item with id, and the
// account it names ("" for none).
func (s *itemStore) accountOf(id string) (account string, logged bool, err error) {
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", false, s.err
	}
	if s.deferred != nil {
		account, logged = s.deferred.accountOf(id)
		return account, logged, nil
	}
	q := s.db.QueryRow
	if s.tx != nil {
		q = s.tx.QueryRow
	}
	err = q(`SELECT account FROM items WHERE id = ?`, id).Scan(&account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return account, err == nil, err
}

// isNoTable reports whether err is SQLite's "no such table", what a new
// store answers.
func isNoTable(err error) bool { return strings.Contains(err.Error(), "no such table") }

// Applied is the sequence of the newest record the store has taken in.
func (s *itemStore) Applied() uint64 {
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied
}

// write runs the change of record seq in the open transaction (beginning
// one if none is open) and commits when the transaction is full or old. A
// record at or before the applied sequence is in the store already and is
// not written again. The applied sequence moves only with a change: the
// records between it and the log's end changed nothing in the store, so a
// store that is behind is brought up to date by applying the log after it.
func (s *itemStore) write(seq uint64, change func(itemStmts) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq != 0 && seq <= s.applied {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	if change == nil {
		return nil
	}
	if err := s.begin(); err != nil {
		return err
	}
	if err := change(s.stmts); err != nil {
		return s.fail(err)
	}
	s.pending++
	s.applied = max(s.applied, seq)
	if s.pending >= itemCommitRecords || time.Since(s.began) >= itemCommitAge {
		return s.commit()
	}
	return nil
}

// writeLater is write on the writer goroutine (see later).
func (s *itemStore) writeLater(seq uint64, change func(itemStmts) error) error {
	s.mu.Lock()
	deferred := s.deferChange(seq, change)
	s.mu.Unlock()
	if deferred {
		return s.failure()
	}
	return s.later(func() { _ = s.write(seq, change) })
}

func (s *itemStore) begin() error {
	if s.tx != nil {
		return nil
	}
	ctx := context.Background()
	begin := s.db.BeginTx
	if s.writer != nil {
		begin = s.writer.BeginTx
	}
	tx, err := begin(ctx, nil)
	if err != nil {
		return s.fail(err)
	}
	prep := func(q string) *sql.Stmt {
		st, perr := tx.PrepareContext(ctx, q)
		if perr != nil && err == nil {
			err = perr
		}
		return st
	}
	st := itemStmts{
		insert: prep(`INSERT OR IGNORE INTO items (id, seq, touchpoint, journey, stage, t, j, m, metric, score, comment, segment, source, occurred, logged, stored, account)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		name: prep(`INSERT INTO names (name, num) VALUES (?, ?)`),
		inserts: prep(`INSERT OR IGNORE INTO items (id, seq, touchpoint, journey, stage, t, j, m, metric, score, comment, segment, source, occurred, logged, stored, account)
			VALUES ` + strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), `, itemBatch), `, `)),
		dup:      prep(`INSERT OR IGNORE INTO dups (seq, touchpoint, metric, score, occurred, segment, stored) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		open:     prep(`UPDATE items SET follow = 1, assignee = ?, note = ?, opened = ?, rule = ?, due = ? WHERE id = ? AND follow = 0`),
		close:    prep(`UPDATE items SET follow = 2, action = ?, informed = ?, closed = ? WHERE id = ? AND follow = 1`),
		escalate: prep(`UPDATE items SET escalated = 1, escalated_to = ? WHERE id = ? AND follow = 1`),
		erase:    prep(`UPDATE items SET comment = ? WHERE account = ? AND comment != ''`),
	}
	if err != nil {
		_ = tx.Rollback()
		return s.fail(err)
	}
	s.tx, s.stmts, s.began, s.pending = tx, st, time.Now(), 0
	return nil
}

// commit writes the applied sequence and commits the open transaction.
func (s *itemStore) commit() error {
	if s.tx == nil {
		if s.applied == s.committed || s.err != nil {
			return s.err
		}
		if err := s.begin(); err != nil {
			return err
		}
	}
	tx := s.tx
	s.tx = nil
	if _, err := tx.Exec(`UPDATE meta SET value = ? WHERE key = 'applied'`, int64(s.applied)); err != nil {
		_ = tx.Rollback()
		return s.fail(err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(err)
	}
	s.committed = s.applied
	return nil
}

// fail keeps the store's first failure: it stops taking records in, and
// every read and write answers it.
func (s *itemStore) fail(err error) error {
	if s.tx != nil {
		_ = s.tx.Rollback()
		s.tx = nil
	}
	if s.err == nil {
		s.err = fmt.Errorf("feedback store: %w", err)
		s.failed.Store(&s.err)
	}
	return s.err
}

// itemReader is what a read queries: the database, or the open
// transaction.
type itemReader interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

// reading runs read against everything taken in. While the open write
// transaction is younger than itemCommitAge, read runs inside it,
// holding the store (the writer waits for the read): a read does not
// commit, so a list after each request of an import does not make each
// commit write its pages again (two indexes are in occurred-at order, so
// nearly every item dirties a page of its own). Otherwise what was taken
// in is committed and read runs on any connection, beside other reads.
func (s *itemStore) reading(read func(itemReader) error) error {
	s.settle()
	s.mu.Lock()
	if err := s.materialize(); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.tx != nil && !s.serial && s.err == nil && time.Since(s.began) < itemCommitAge {
		defer s.mu.Unlock()
		return read(s.tx)
	}
	if err := s.commit(); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.serial {
		defer s.mu.Unlock()
	} else {
		s.mu.Unlock()
	}
	return read(s.db)
}

// Close writes what is queued, commits and closes the store.
func (s *itemStore) Close() error {
	if s.queue != nil {
		s.sending.Lock()
		if !s.closed {
			s.closed = true
			close(s.queue)
		}
		s.sending.Unlock()
		<-s.drained
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.commit()
	if s.writer != nil {
		err = errors.Join(err, s.writer.Close())
	}
	return errors.Join(err, s.db.Close())
}
