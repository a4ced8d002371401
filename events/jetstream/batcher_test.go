package jetstream

import "testing"

func TestAnAppendSkipsTheQueueOnlyOnAQuietStore(t *testing.T) {
	b := newGatherer(long)
	if !b.alone(single()) {
		t.Fatal("a lone append on an idle store is not published at once")
	}
	if b.alone(&pending{msgs: make([]outMsg, 2)}) {
		t.Fatal("an append of two events is published without a batch")
	}
	b.queued.Add(1)
	if b.alone(single()) {
		t.Fatal("an append skipped the queue while another waited in it")
	}
	b.queued.Add(-1)
	b.committing <- struct{}{}
	if b.alone(single()) {
		t.Fatal("an append was published plainly while a commit was under way")
	}
	<-b.committing
	b.plainOut.Store(plainFew)
	if b.alone(single()) {
		t.Fatalf("an append was published beside %d plain publishes under way", plainFew)
	}
	b.plainOut.Store(0)
	b.herd.answered(1000)
	b.herd.arrived()
	if b.alone(single()) {
		t.Fatal("the first caller back from a batch of 1,000 is published on its own")
	}
}
