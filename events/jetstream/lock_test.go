package jetstream

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A lock this process still holds for an instant (a child starting
// between its fork and its exec keeps a copy of the descriptor) is waited
// for; one another process holds is reported at once.
func TestTheDirectoryLockWaitsOnlyForThisProcessItself(t *testing.T) {
	dir := t.TempDir()
	first, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Released a moment after the second asks, well within ownLockWait.
	time.AfterFunc(50*time.Millisecond, func() { first.Close() })
	second, err := lockDir(dir)
	if err != nil {
		t.Fatalf("a lock this process released while the second waited was refused: %v", err)
	}
	defer second.Close()

	// The holder now claims to be another process (pid 1): no wait, an
	// error naming it.
	if err := os.WriteFile(filepath.Join(dir, lockFile), []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir); err == nil || !strings.Contains(err.Error(), "in use by another cxtracker (pid 1)") {
		t.Fatalf("a lock held by another process answered %v", err)
	}
}
