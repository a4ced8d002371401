package jetstream

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockFile is held by the process whose embedded server owns a data
// directory: two servers writing one store would corrupt it.
const lockFile = "cxtracker.lock"

// lockDir takes the directory's lock, or says which process holds it. The
// lock is an flock, so it goes with the process, however it ends.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, unwrapPath(err))
	}
	if err := flockOwn(f, path); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another cxtracker (pid %s); stop it, or use --nats-url to share its log", dir, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("lock data directory %s: %w", dir, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}

// ownLockWait bounds how long lockDir waits for a lock that this very
// process holds through another descriptor. An flock belongs to the open
// file, and a child this process is starting (a browser, a node) holds a
// copy of every descriptor between its fork and its exec; a server of this
// process that has just closed the directory may so keep it locked for
// that instant.
const ownLockWait = 2 * time.Second

// flockOwn takes the lock without blocking; while the file names this
// process as the holder it tries again, briefly, for the reason above. A
// lock held by another process is reported at once.
func flockOwn(f *os.File, path string) error {
	deadline := time.Now().Add(ownLockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			return err
		}
		holder, _ := os.ReadFile(path)
		if strings.TrimSpace(string(holder)) != strconv.Itoa(os.Getpid()) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
