package projections

// accountTallies counts, for each account, the feedback items that name it
// and the follow-ups of those items, as the feedback model takes them in,
// so that no read counts an account's items (the accounts model answers
// them, AccountView.Counts). An item is counted once, as the trends count
// it (Feedback.count); a follow-up's account is the item's, which the item
// store tells when the follow-up opens (it asks the store whether the item
// was logged anyway). Memory holds no item: only the counts, and the
// account of each open follow-up whose item names one, which its closing
// needs.
//
// items is guarded by the model's counts lock (the store's writer
// goroutine counts there); the rest by the model's mu.
type accountTallies struct {
	items map[string]int
	// openOf is the account of each open follow-up whose item names one,
	// by feedback id.
	openOf map[string]string
	open   map[string]int
	closed map[string]int
}

func newAccountTallies() accountTallies {
	return accountTallies{items: map[string]int{}, openOf: map[string]string{}, open: map[string]int{}, closed: map[string]int{}}
}

// logged counts an item that names account ("" for none).
func (t *accountTallies) logged(account string) {
	if account != "" {
		t.items[account]++
	}
}

// followUpOpened counts the follow-up of the item feedbackID, which names account
// ("" for none).
func (t *accountTallies) followUpOpened(feedbackID, account string) {
	if account == "" {
		return
	}
	t.openOf[feedbackID] = account
	t.open[account]++
}

// followUpClosed counts the closing of the open follow-up of feedbackID.
func (t *accountTallies) followUpClosed(feedbackID string) {
	account, ok := t.openOf[feedbackID]
	if !ok {
		return
	}
	delete(t.openOf, feedbackID)
	t.open[account]--
	t.closed[account]++
}

// countAccounts fills, for each account in to, the counts of its feedback
// items and their follow-ups, once the item store has written every
// record the model took in.
func (m *Feedback) countAccounts(to map[string]*AccountCounts) {
	m.settle()
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.counts.Lock()
	defer m.counts.Unlock()
	for id, c := range to {
		c.Feedback = m.byAccount.items[id]
		c.OpenFollowUps = m.byAccount.open[id]
		c.ClosedFollowUps = m.byAccount.closed[id]
	}
}

// NewestOfAccount is up to limit of the feedback items that name the
// account, the most recent occurred_at first.
func (m *Feedback) NewestOfAccount(account string, limit int) ([]FeedbackItem, error) {
	if m.store == nil {
		return nil, m.Err()
	}
	m.settle()
	return m.store.newestOfAccount(account, limit)
}
