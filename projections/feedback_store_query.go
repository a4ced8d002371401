package projections

import (
	"cmp"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"
)

// itemScope is one journey and metric: the unit the store's id-ordered
// and time-ordered indexes are kept by. byTime says the list of this scope
// reads its period through the time-ordered index.
type itemScope struct {
	journeyID, metric string
	byTime            bool
}

// itemQuery is one page of a list as the feedback model planned it: the
// filter, the cursor, how many ids to fetch (a page and one more, to tell
// whether more follow), and how: through the follow-up index, a
// touchpoint's indexes (byTime picks the time-ordered one), the scopes'
// indexes (merged in id order), or, for a list with no filter, the items'
// own id order.
type itemQuery struct {
	f      FeedbackFilter
	after  string
	fetch  int
	byTime bool
	scopes []itemScope
}

// itemColumns are the columns of an item, in the order scanItem reads them.
const itemColumns = `id, touchpoint, journey, stage, metric, score, comment, segment, source, occurred, logged,
	follow, assignee, note, opened, action, informed, closed, account, rule, due, escalated, escalated_to`

// ids answers, in id order, up to q.fetch ids of the items that match.
func (s *itemStore) ids(db itemReader, q itemQuery) ([]string, error) {
	f := q.f
	switch {
	case f.AccountID != "":
		// The partial index holds only items that name an account; SQLite
		// uses it for a query that states the index's own condition.
		return s.queryIDs(db, "items INDEXED BY items_account WHERE account != '' AND account = ?", f, q.after, q.fetch, f.AccountID)
	case f.FollowUp == FollowUpDue || f.FollowUp == FollowUpOverdue:
		// The queue's own partial index: open follow-ups with a due time.
		cond := "due >= ?"
		if f.FollowUp == FollowUpOverdue {
			cond = "due < ?"
		}
		return s.queryIDs(db, "items INDEXED BY items_due WHERE follow = 1 AND due > 0 AND "+cond, f, q.after, q.fetch, dueKey(f.Now))
	case f.FollowUp == FollowUpOpen || f.FollowUp == FollowUpClosed || f.FollowUp == FollowUpEscalated:
		state := followOpen
		if f.FollowUp == FollowUpClosed {
			state = followClosed
		}
		cond := fmt.Sprintf("follow = %d", state)
		if f.FollowUp == FollowUpEscalated {
			cond = "escalated = 1"
		}
		// The partial index holds only items with a follow-up; SQLite uses
		// it for a query that states the index's own condition.
		return s.queryIDs(db, "items INDEXED BY items_follow WHERE follow > 0 AND "+cond, f, q.after, q.fetch)
	case f.TouchpointID != "":
		index := "items_t_id"
		if q.byTime {
			index = "items_t_at"
		}
		return s.queryIDs(db, "items INDEXED BY "+index+" WHERE t = ?", f, q.after, q.fetch, s.names.numOf(f.TouchpointID))
	case len(q.scopes) > 0:
		var all []string
		for _, sc := range q.scopes {
			index := "items_jm_id"
			if sc.byTime {
				index = "items_jm_at"
			}
			ids, err := s.queryIDs(db, "items INDEXED BY "+index+" WHERE j = ? AND m = ?", f, q.after, q.fetch, s.names.numOf(sc.journeyID), s.names.numOf(sc.metric))
			if err != nil {
				return nil, err
			}
			all = append(all, ids...)
		}
		slices.Sort(all)
		return all[:min(len(all), q.fetch)], nil
	}
	return s.queryIDs(db, "items WHERE 1", f, q.after, q.fetch)
}

// queryIDs selects the ids from source (a table, its index and the scope's
// condition, with args) that match the rest of f and follow after.
func (s *itemStore) queryIDs(db itemReader, source string, f FeedbackFilter, after string, fetch int, args ...any) ([]string, error) {
	var where strings.Builder
	if f.JourneyID != "" {
		where.WriteString(" AND j = ?")
		args = append(args, s.names.numOf(f.JourneyID))
	}
	if f.StageID != "" {
		where.WriteString(" AND stage = ?")
		args = append(args, f.StageID)
	}
	if f.TouchpointID != "" && !strings.Contains(source, "t = ?") {
		where.WriteString(" AND t = ?")
		args = append(args, s.names.numOf(f.TouchpointID))
	}
	if f.Metric != "" {
		where.WriteString(" AND m = ?")
		args = append(args, s.names.numOf(f.Metric))
	}
	if !f.From.IsZero() {
		where.WriteString(" AND occurred >= ?")
		args = append(args, timeKey(f.From))
	}
	if !f.To.IsZero() {
		where.WriteString(" AND occurred < ?")
		args = append(args, timeKey(f.To))
	}
	switch {
	case f.FollowUp == FollowUpNone:
		where.WriteString(" AND follow = 0")
	case f.AccountID != "" && f.FollowUp == FollowUpOpen:
		where.WriteString(fmt.Sprintf(" AND follow = %d", followOpen))
	case f.AccountID != "" && f.FollowUp == FollowUpClosed:
		where.WriteString(fmt.Sprintf(" AND follow = %d", followClosed))
	}
	args = append(args, after, fetch)
	return scanIDs(db.Query("SELECT id FROM "+source+where.String()+" AND id > ? ORDER BY id LIMIT ?", args...))
}

// scanIDs is the ids a query of one column of ids answers, in its order.
func scanIDs(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// newestOfAccount is up to limit items that name the account, the most
// recent occurred_at first (then the greatest id). SQLite sorts the
// account's entries of its index, not the items: no read of the API pages
// through them all to find the newest.
func (s *itemStore) newestOfAccount(account string, limit int) (items []FeedbackItem, err error) {
	err = s.reading(func(db itemReader) error {
		ids, err := scanIDs(db.Query(`SELECT id FROM items INDEXED BY items_account WHERE account != '' AND account = ?
			ORDER BY occurred DESC, id DESC LIMIT ?`, account, limit))
		if err != nil {
			return err
		}
		items, err = s.items(db, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("feedback store: %w", err)
	}
	slices.SortFunc(items, func(a, b FeedbackItem) int {
		return cmp.Or(b.OccurredAt.Compare(a.OccurredAt), strings.Compare(b.ID, a.ID))
	})
	return items, nil
}

// items reads the items with ids, in id order.
func (s *itemStore) items(db itemReader, ids []string) ([]FeedbackItem, error) {
	if len(ids) == 0 {
		return []FeedbackItem{}, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.Query("SELECT "+itemColumns+" FROM items WHERE id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]FeedbackItem, 0, len(ids))
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// page answers the page q asks for, and whether more items match after it.
func (s *itemStore) page(q itemQuery) (items []FeedbackItem, more bool, err error) {
	err = s.reading(func(db itemReader) error {
		ids, err := s.ids(db, q)
		if err != nil {
			return err
		}
		if more = len(ids) == q.fetch && q.fetch > 0; more {
			ids = ids[:len(ids)-1]
		}
		items, err = s.items(db, ids)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("feedback store: %w", err)
	}
	return items, more, nil
}

// item is the item with id, and false when the store has none.
func (s *itemStore) item(id string) (FeedbackItem, bool, error) {
	var out []FeedbackItem
	err := s.reading(func(db itemReader) error {
		var err error
		out, err = s.items(db, []string{id})
		return err
	})
	if err != nil || len(out) == 0 {
		return FeedbackItem{}, false, err
	}
	return out[0], true, nil
}

// scanItem reads one row of itemColumns.
func scanItem(rows *sql.Rows) (FeedbackItem, error) {
	var (
		it                     FeedbackItem
		occurred               []byte
		logged, opened, closed string
		follow, escalated      int
		due                    int64
		f                      FollowUpView
	)
	if err := rows.Scan(&it.ID, &it.TouchpointID, &it.JourneyID, &it.StageID, &it.Metric, &it.Score, &it.Comment, &it.Segment, &it.Source,
		&occurred, &logged, &follow, &f.AssigneeID, &f.Note, &opened, &f.ActionTaken, &f.CustomerInformed, &closed, &it.AccountID, &f.RuleID, &due, &escalated, &f.EscalatedTo); err != nil {
		return it, err
	}
	it.OccurredAt = timeOfKey(occurred)
	if err := it.LoggedAt.UnmarshalText([]byte(logged)); err != nil {
		return it, err
	}
	if follow == followNone {
		return it, nil
	}
	f.Status, f.Escalated = FollowUpOpen, escalated == 1
	if due > 0 {
		at := time.UnixMilli(due).UTC()
		f.DueAt = &at
	}
	if err := f.OpenedAt.UnmarshalText([]byte(opened)); err != nil {
		return it, err
	}
	if follow == followClosed {
		f.Status = FollowUpClosed
		var at time.Time
		if err := at.UnmarshalText([]byte(closed)); err != nil {
			return it, err
		}
		f.ClosedAt = &at
	}
	it.FollowUp = &f
	return it, nil
}

// timeKey is t as the store orders it: seconds since 1970 (offset so that
// every time has a non-negative value) and nanoseconds, big-endian, so
// that comparing the bytes compares the times, for every year a time can
// hold.
func timeKey(t time.Time) []byte {
	k := make([]byte, 12)
	binary.BigEndian.PutUint64(k, uint64(t.Unix())^(1<<63))
	binary.BigEndian.PutUint32(k[8:], uint32(t.Nanosecond()))
	return k
}

// timeOfKey is the time of a timeKey, in UTC.
func timeOfKey(k []byte) time.Time {
	if len(k) != 12 {
		return time.Time{}
	}
	return time.Unix(int64(binary.BigEndian.Uint64(k)^(1<<63)), int64(binary.BigEndian.Uint32(k[8:]))).UTC()
}

// dueKey is a due time as the store keeps it: milliseconds since 1970, so
// that comparing numbers compares times (a follow-up's due time is never
// before 1970).
func dueKey(t time.Time) int64 { return t.UnixMilli() }
