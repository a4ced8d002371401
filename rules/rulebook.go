package rules

import (
	"context"
	"fmt"
	"sync"

	"cxtracker/events"
)

// rulesSubject is the filter of the rules' events.
var rulesSubject = events.SubjectPrefix + "." + events.KindFollowUpRule + ".>"

// ruleAt is a rule's terms from one sequence of the log on.
type ruleAt struct {
	seq     uint64
	terms   events.RuleTerms
	retired bool
}

// rulebook keeps every version of every rule with the sequence it took
// effect at, read from the log, so that an item is judged by the rules as
// they stood at its own sequence whatever order items arrive in. Rules are
// few; their events are read by a filtered read of the log on demand.
type rulebook struct {
	log events.Store

	mu sync.Mutex
	// known is the sequence up to which the rules' events have been read.
	known   uint64
	order   []string // rule ids by definition
	history map[string][]ruleAt
}

func newRulebook(log events.Store) *rulebook {
	return &rulebook{log: log, history: map[string][]ruleAt{}}
}

// match is a rule that matched an item.
type match struct {
	ruleID string
	terms  events.RuleTerms
}

// matching answers the rules, as they stood before seq, that fn says
// match, in the order they were defined.
func (b *rulebook) matching(ctx context.Context, seq uint64, fn func(events.RuleTerms) bool) ([]match, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if seq > b.known {
		if err := b.readTo(ctx); err != nil {
			return nil, err
		}
	}
	var out []match
	for _, id := range b.order {
		if at, ok := asOf(b.history[id], seq); ok && !at.retired && fn(at.terms) {
			out = append(out, match{ruleID: id, terms: at.terms})
		}
	}
	return out, nil
}

// asOf is the version of a rule in effect just before seq.
func asOf(versions []ruleAt, seq uint64) (ruleAt, bool) {
	for i := len(versions) - 1; i >= 0; i-- {
		if versions[i].seq < seq {
			return versions[i], true
		}
	}
	return ruleAt{}, false
}

// readTo reads the rules' events stored since known, up to the end of the
// log as it is now.
func (b *rulebook) readTo(ctx context.Context) error {
	last, err := b.log.LastSeq(ctx)
	if err != nil {
		return err
	}
	if last <= b.known {
		return nil
	}
	err = b.log.Read(ctx, events.FromSeq(b.known+1).Only(rulesSubject).WithDamage(), func(rec events.Record) error {
		if rec.Seq <= b.known {
			return nil
		}
		b.take(rec)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the follow-up rules: %w", err)
	}
	b.known = max(b.known, last)
	return nil
}

// take applies one rule event; one it cannot read changes no rule.
func (b *rulebook) take(rec events.Record) {
	if rec.Damage != nil {
		return
	}
	p, err := events.DecodePayload(rec.Event)
	if err != nil {
		return
	}
	agg, _, err := events.ParseSubject(rec.Subject)
	if err != nil {
		return
	}
	versions := b.history[agg.ID]
	if n := len(versions); n > 0 && versions[n-1].seq >= rec.Seq {
		return // taken already, by a read that went past the end it began at
	}
	var r events.FollowUpRule
	if n := len(versions); n > 0 {
		r.Terms, r.Retired = versions[n-1].terms, versions[n-1].retired
	} else {
		b.order = append(b.order, agg.ID)
	}
	r.Apply(p)
	b.history[agg.ID] = append(versions, ruleAt{seq: rec.Seq, terms: r.Terms, retired: r.Retired})
}
