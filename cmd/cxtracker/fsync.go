package main

import (
	"context"
	"time"
)

// fsyncCheckTimeout bounds how long a start waits for the NATS servers to
// say how they sync.
const fsyncCheckTimeout = 3 * time.Second

// warnUnlessFsynced logs one warning when the log is on a NATS server or
// cluster (--nats-url) that cannot be shown to fsync each write before
// acknowledging it: an acknowledged event could then be lost to a power
// cut. The embedded server always fsyncs first, so it is not asked.
func (m *Main) warnUnlessFsynced(ctx context.Context) {
	if m.server != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, fsyncCheckTimeout)
	defer cancel()
	if err := m.store.ConfirmFsync(ctx); err != nil {
		m.Logger.Warn(err.Error()+"; an acknowledged event could be lost to a power cut", "nats", m.Config.NATSURL)
	}
}
