package jetstream

// Faults for the tests of package jetstream_test: the next n requests lose
// their answer (LoseAcks), the next n batch commits do (LoseBatchAcks), or
// the next n are answered "still being stored" without being sent
// (AnswerBusy). FaultsLeft is how many staged faults have not yet struck.

func LoseAcks(s *Store, n int)      { s.faults.lostAcks.Store(int32(n)) }
func LoseBatchAcks(s *Store, n int) { s.faults.lostBatchAcks.Store(int32(n)) }
func AnswerBusy(s *Store, n int)    { s.faults.busy.Store(int32(n)) }

func FaultsLeft(s *Store) int {
	return int(s.faults.lostAcks.Load() + s.faults.lostBatchAcks.Load() + s.faults.busy.Load())
}
