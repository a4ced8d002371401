package jetstream

// Faults for the tests of package jetstream_test: the next n requests lose
// their answer (LoseAcks), the next n batch commits do (LoseBatchAcks), or
// the next n are answered "still being stored" without being sent
// (AnswerBusy); the next atomic batch waits, under way, until Close begins
// (HoldBatchUntilClose, whose channel is closed once the batch is held).
// FaultsLeft is how many staged faults have not yet struck.

func LoseAcks(s *Store, n int)      { s.faults.lostAcks.Store(int32(n)) }
func LoseBatchAcks(s *Store, n int) { s.faults.lostBatchAcks.Store(int32(n)) }
func AnswerBusy(s *Store, n int)    { s.faults.busy.Store(int32(n)) }

func HoldBatchUntilClose(s *Store) <-chan struct{} {
	s.faults.held = make(chan struct{})
	s.faults.holdBatch.Store(1)
	return s.faults.held
}

func FaultsLeft(s *Store) int {
	f := &s.faults
	return int(f.lostAcks.Load() + f.lostBatchAcks.Load() + f.busy.Load() + f.holdBatch.Load())
}
