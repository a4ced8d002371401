package main

import (
	"strings"
	"testing"

	"cxtracker/events/jetstream/jstest"
	"cxtracker/events/jetstream/natscluster"
)

// warnings are the lines logged at WARN.
func (l *logLines) warnings() []string {
	var out []string
	for line := range strings.SplitSeq(l.String(), "\n") {
		if strings.Contains(line, "level=WARN") {
			out = append(out, line)
		}
	}
	return out
}

// fsyncWarnings are the warnings that the cluster may lose acknowledged writes.
func (l *logLines) fsyncWarnings() []string {
	var out []string
	for _, w := range l.warnings() {
		if strings.Contains(w, "cannot confirm that the NATS servers") {
			out = append(out, w)
		}
	}
	return out
}

func TestAStartOnAServerThatShowsNoSettingsWarnsOnceThatFsyncIsUnconfirmed(t *testing.T) {
	// A plain nats-server shows its settings to the system account only:
	// nothing a client of another account asks can confirm how it syncs.
	ext := plainNATS(t)
	var log logLines
	startMainLogging(t, log.logger(), func(c *Config) { c.NATSURL = ext.ClientURL() })
	w := log.fsyncWarnings()
	if len(w) != 1 || !strings.Contains(w[0], "system account") || !strings.Contains(w[0], "sync_interval: always") {
		t.Fatalf("the start warned %q, want one warning that the settings are not visible and what to set", w)
	}
}

func TestAStartOnAClusterWithANodeThatSyncsLateNamesIt(t *testing.T) {
	c := jstest.StartCluster(t, 3, func(n *natscluster.Node) { n.NoSync = n.Name == "n2" })
	var log logLines
	startMainLogging(t, log.logger(), func(cfg *Config) { cfg.NATSURL, cfg.Replicas = c.URLs(), 3 })
	w := log.fsyncWarnings()
	if len(w) != 1 || !strings.Contains(w[0], "n2 fsyncs only every 2m0s") || strings.Contains(w[0], "n1") || strings.Contains(w[0], "n3") {
		t.Fatalf("the start warned %q, want one warning naming n2 alone", w)
	}
}

func TestAStartOnAClusterThatFsyncsBeforeItAcknowledgesWarnsNothing(t *testing.T) {
	c := jstest.StartCluster(t, 3, nil)
	var log logLines
	startMainLogging(t, log.logger(), func(cfg *Config) { cfg.NATSURL, cfg.Replicas = c.URLs(), 3 })
	if w := log.fsyncWarnings(); len(w) != 0 {
		t.Fatalf("the start warned %q on a cluster that fsyncs before it acknowledges", w)
	}
}
