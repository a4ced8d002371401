package projections

import (
	"io"
	"time"
)

// savedClock is the program clock as a checkpoint holds it.
type savedClock struct {
	Points    []clockPoint `json:"points"`
	Latest    time.Time    `json:"latest"`
	LatestSeq uint64       `json:"latest_seq"`
	Seq       uint64       `json:"seq"`
}

// SaveCheckpoint implements Checkpointed.
func (c *ProgramClock) SaveCheckpoint(w io.Writer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return saveJSON(w, savedClock{Points: c.points, Latest: c.latest, LatestSeq: c.latestSeq, Seq: c.seq})
}

// LoadCheckpoint implements Checkpointed.
func (c *ProgramClock) LoadCheckpoint(r io.Reader) error {
	var s savedClock
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.points, c.latest, c.latestSeq, c.seq = s.Points, s.Latest.UTC(), s.LatestSeq, s.Seq
	return nil
}
