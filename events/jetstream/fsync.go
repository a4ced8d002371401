package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// varzRequest asks every server of a cluster for its settings (varz). It
// belongs to the system account: a connection gets answers only when its
// account imports it, as natscluster's nodes arrange.
const varzRequest = "$SYS.REQ.SERVER.PING.VARZ"

// ErrFsyncUnconfirmed says the servers that hold the CX stream could not
// all be shown to fsync each write before acknowledging it.
var ErrFsyncUnconfirmed = errors.New("cannot confirm that the NATS servers holding the CX stream fsync each write before acknowledging it")

// varzAnswer is the part of a server's varz answer that says how it syncs.
type varzAnswer struct {
	Server struct {
		Name string `json:"name"`
	} `json:"server"`
	Data struct {
		JetStream struct {
			Config *struct {
				SyncInterval time.Duration `json:"sync_interval"`
				SyncAlways   bool          `json:"sync_always"`
			} `json:"config"`
		} `json:"jetstream"`
	} `json:"data"`
	Error *struct {
		Description string `json:"description"`
	} `json:"error"`
}

// ConfirmFsync asks the servers that hold the CX stream (its leader and
// replicas) how they sync, and answers nil when each says it fsyncs every
// write before acknowledging it (sync_interval: always, which the embedded
// server always has). Otherwise it answers ErrFsyncUnconfirmed saying why:
// a server that syncs only now and then, one that did not answer before ctx
// ended, or a connection that may not ask at all. Servers show their
// settings only to the system account, so through an ordinary account this
// is confirmed only when that account imports $SYS.REQ.SERVER.PING.VARZ.
func (s *Store) ConfirmFsync(ctx context.Context) error {
	hosts, offline, err := s.hosts(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFsyncUnconfirmed, err)
	}
	inbox := s.nc.NewInbox()
	sub, err := s.nc.SubscribeSync(inbox)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFsyncUnconfirmed, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := s.nc.PublishRequest(varzRequest, inbox, nil); err != nil {
		return fmt.Errorf("%w: %v", ErrFsyncUnconfirmed, err)
	}
	answered := map[string]varzAnswer{}
	for !allAnswered(hosts, answered) {
		msg, err := sub.NextMsgWithContext(ctx)
		if errors.Is(err, nats.ErrNoResponders) {
			return fmt.Errorf("%w: the servers show their settings only to the system account, and this connection's account does not import %s from it; "+
				"run every node with `jetstream { sync_interval: always }`", ErrFsyncUnconfirmed, varzRequest)
		}
		if err != nil {
			break
		}
		var a varzAnswer
		if json.Unmarshal(msg.Data, &a) == nil && a.Server.Name != "" {
			answered[a.Server.Name] = a
		}
	}
	return judgeFsync(hosts, offline, answered)
}

// hosts are the names of the servers that hold the CX stream and are up,
// and of those the stream's leader reports offline.
func (s *Store) hosts(ctx context.Context) (hosts, offline []string, err error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("the CX stream's info: %v", err)
	}
	if c := info.Cluster; c != nil {
		if c.Leader != "" {
			hosts = append(hosts, c.Leader)
		}
		for _, r := range c.Replicas {
			if r.Offline {
				offline = append(offline, r.Name)
			} else {
				hosts = append(hosts, r.Name)
			}
		}
	}
	if len(hosts) == 0 {
		hosts = append(hosts, s.nc.ConnectedServerName())
	}
	slices.Sort(hosts)
	return slices.Compact(hosts), offline, nil
}

func allAnswered(hosts []string, answered map[string]varzAnswer) bool {
	for _, h := range hosts {
		if _, ok := answered[h]; !ok {
			return false
		}
	}
	return true
}

// judgeFsync names every host that is offline, did not answer, or does not
// fsync before it acknowledges.
func judgeFsync(hosts, offline []string, answered map[string]varzAnswer) error {
	var why []string
	for _, h := range offline {
		why = append(why, fmt.Sprintf("%s is offline", h))
	}
	for _, h := range hosts {
		a, ok := answered[h]
		cfg := a.Data.JetStream.Config
		switch {
		case !ok:
			why = append(why, fmt.Sprintf("%s did not answer", h))
		case a.Error != nil:
			why = append(why, fmt.Sprintf("%s answered: %s", h, a.Error.Description))
		case cfg == nil:
			why = append(why, fmt.Sprintf("%s showed no JetStream settings", h))
		case !cfg.SyncAlways:
			why = append(why, fmt.Sprintf("%s fsyncs only every %s (set `jetstream { sync_interval: always }`)", h, cfg.SyncInterval))
		}
	}
	if len(why) > 0 {
		return fmt.Errorf("%w: %s", ErrFsyncUnconfirmed, strings.Join(why, "; "))
	}
	return nil
}
