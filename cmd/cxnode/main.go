// Command cxnode runs one node of the loopback NATS cluster that
// scripts/cluster.sh starts: nats-server from this project's module, with
// JetStream on file storage that fsyncs every write before acknowledging it
// (sync_interval: always), routed to its peers on 127.0.0.1 only
// (events/jetstream/natscluster). It prints "ready" once the cluster's
// JetStream has a leader and the streams on its disk are current, and stops
// cleanly on SIGINT or SIGTERM.
//
//	cxnode --name n1 --client 14222 --route 16222 --peers 16222,16223,16224 --dir cxcluster/n1
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cxtracker/events/jetstream/natscluster"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cxnode:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cxnode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var node natscluster.Node
	var peers string
	fs.StringVar(&node.Name, "name", "", "the node's name in the cluster")
	fs.IntVar(&node.Client, "client", 0, "client port on 127.0.0.1")
	fs.IntVar(&node.Route, "route", 0, "route port on 127.0.0.1")
	fs.StringVar(&peers, "peers", "", "every node's route port, this one's included, separated by commas")
	fs.StringVar(&node.Dir, "dir", "", "directory of the node's JetStream files")
	wait := fs.Duration("wait", time.Minute, "how long to wait for the cluster's JetStream to have a leader and this node's streams to be current")
	if err := fs.Parse(args); err != nil {
		return err
	}
	all, err := peerNodes(peers)
	if err != nil {
		return err
	}
	if node.Name == "" || node.Dir == "" || node.Client <= 0 || node.Route <= 0 {
		return fmt.Errorf("--name, --dir, --client and --route are required")
	}
	ns, err := node.Start(all, &logger{log.New(stderr, "", log.LstdFlags)})
	if err != nil {
		return err
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	fmt.Fprintf(stdout, "node %s: waiting for the cluster's JetStream to have a leader\n", node.Name)
	if err := natscluster.WaitJetStream(ns, *wait); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "node %s ready: %s\n", node.Name, node.URL())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	sig := <-stop
	fmt.Fprintf(stdout, "node %s: %s, stopping\n", node.Name, sig)
	return nil
}

// peerNodes are the cluster's nodes as far as routes need them: their
// route ports.
func peerNodes(list string) ([]natscluster.Node, error) {
	var nodes []natscluster.Node
	for p := range strings.SplitSeq(list, ",") {
		port, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("--peers must be route ports separated by commas, not %q", list)
		}
		nodes = append(nodes, natscluster.Node{Route: port})
	}
	return nodes, nil
}

// logger writes the server's notices, warnings and errors; it drops its
// debug and trace lines.
type logger struct{ *log.Logger }

func (l *logger) Noticef(format string, v ...any) { l.Printf("[INF] "+format, v...) }
func (l *logger) Warnf(format string, v ...any)   { l.Printf("[WRN] "+format, v...) }
func (l *logger) Errorf(format string, v ...any)  { l.Printf("[ERR] "+format, v...) }
func (l *logger) Debugf(string, ...any)           {}
func (l *logger) Tracef(string, ...any)           {}

// Fatalf ends the process, as nats-server's own logger does: the server
// cannot go on (a port in use, say).
func (l *logger) Fatalf(format string, v ...any) {
	l.Printf("[FTL] "+format, v...)
	os.Exit(1)
}
