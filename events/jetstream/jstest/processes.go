package jstest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/events/jetstream/natscluster"
)

// ProcessCluster is a loopback NATS cluster of cmd/cxnode processes, so that
// a test can kill a node outright: no step-down of its leaders, no goodbye
// to its peers, as a crash or a power cut leaves it. (A server in the test's
// process can only be shut down, which first hands its leaderships on.)
type ProcessCluster struct {
	Nodes []natscluster.Node

	mu     sync.Mutex
	procs  []*exec.Cmd
	logs   []*syncBuffer
	killed map[string]bool
}

// URLs are the nodes' client URLs, as --nats-url takes them.
func (c *ProcessCluster) URLs() string { return natscluster.URLs(c.Nodes) }

// Kill ends the named node's process with SIGKILL and waits until it is
// gone.
func (c *ProcessCluster) Kill(tb testing.TB, name string) {
	tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range c.Nodes {
		if n.Name == name && !c.killed[name] {
			c.killed[name] = true
			if err := c.procs[i].Process.Kill(); err != nil {
				tb.Fatalf("kill node %s: %v", name, err)
			}
			_ = c.procs[i].Wait()
			return
		}
	}
	tb.Fatalf("no running node %s", name)
}

// StartProcessCluster builds cmd/cxnode and starts
// n nodes of it, as scripts/cluster.sh does, waits until each says its
// JetStream has a leader, and stops those still running when the test
// ends. It is skipped in -short runs.
func StartProcessCluster(tb testing.TB, n int) *ProcessCluster {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("starts a %d-node NATS cluster", n)
	}
	bin := cxnode(tb)
	c := &ProcessCluster{Nodes: loopbackNodes(tb, n), killed: map[string]bool{}}
	var peers []string
	for _, node := range c.Nodes {
		peers = append(peers, fmt.Sprint(node.Route))
	}
	ready := make(chan string, n)
	for _, node := range c.Nodes {
		cmd := exec.Command(bin, "--name", node.Name, "--client", fmt.Sprint(node.Client), "--route", fmt.Sprint(node.Route),
			"--peers", strings.Join(peers, ","), "--dir", node.Dir)
		log := &syncBuffer{}
		cmd.Stderr = log
		out, err := cmd.StdoutPipe()
		if err != nil {
			tb.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			tb.Fatalf("start node %s: %v", node.Name, err)
		}
		go func() {
			lines := bufio.NewScanner(out)
			for lines.Scan() {
				if strings.HasPrefix(lines.Text(), "node "+node.Name+" ready") {
					ready <- node.Name
				}
			}
		}()
		c.procs, c.logs = append(c.procs, cmd), append(c.logs, log)
		tb.Cleanup(func() { c.stop(node.Name, cmd) })
	}
	timeout := time.After(time.Minute)
	for range n {
		select {
		case <-ready:
		case <-timeout:
			for i, node := range c.Nodes {
				tb.Logf("node %s's log:\n%s", node.Name, c.logs[i])
			}
			tb.Fatalf("the %d cxnode processes were not ready within a minute", n)
		}
	}
	return c
}

// stop ends a node still running with SIGTERM, as Ctrl-C in
// scripts/cluster.sh does.
func (c *ProcessCluster) stop(name string, cmd *exec.Cmd) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed[name] {
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
}

// cxnode builds cmd/cxnode for the test and answers its path.
func cxnode(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "cxnode")
	out, err := exec.Command("go", "build", "-o", bin, "cxtracker/cmd/cxnode").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build cmd/cxnode: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a process's log, written by its pipe and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
