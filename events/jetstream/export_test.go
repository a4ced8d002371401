package jetstream

// Faults for the tests of package jetstream_test: the next n requests lose
// their answer (LoseAcks), the next n batch commits do (LoseBatchAcks), or
// the next n are answered "still being stored" without being sent
// (AnswerBusy); the next atomic batch waits, under way, until Close begins
// (HoldBatchUntilClose, whose channel is closed once the batch is held), or
// until released (HoldNextBatch). FaultsLeft is how many staged faults have
// not yet struck; Queued is how many appends wait for the group committer.

func LoseAcks(s *Store, n int)      { s.faults.lostAcks.Store(int32(n)) }
func LoseBatchAcks(s *Store, n int) { s.faults.lostBatchAcks.Store(int32(n)) }
func AnswerBusy(s *Store, n int)    { s.faults.busy.Store(int32(n)) }

func HoldBatchUntilClose(s *Store) <-chan struct{} {
	held, _ := HoldNextBatch(s)
	return held
}

func HoldNextBatch(s *Store) (held <-chan struct{}, release func()) {
	f := &s.faults
	f.held, f.release = make(chan struct{}), make(chan struct{})
	f.holdBatch.Store(1)
	return f.held, func() { close(f.release) }
}

func Queued(s *Store) int { return int(s.batcher.queued.Load()) }

func FaultsLeft(s *Store) int {
	f := &s.faults
	return int(f.lostAcks.Load() + f.lostBatchAcks.Load() + f.busy.Load() + f.holdBatch.Load())
}
