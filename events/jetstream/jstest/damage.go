package jstest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Damage alters, as a bad disk would, one byte of the first occurrence of
// marker in each JetStream block file (*.blk) under dir, the directory a
// stopped server kept its store in. The server then drops the message on its
// checksum. It fails the test when no block file holds marker.
func Damage(tb testing.TB, dir, marker string) {
	tb.Helper()
	altered := false
	err := filepath.WalkDir(filepath.Join(dir, "jetstream"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".blk" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		i := bytes.Index(b, []byte(marker))
		if i < 0 {
			return nil
		}
		b[i] ^= 1
		altered = true
		return os.WriteFile(p, b, 0o600)
	})
	if err != nil {
		tb.Fatalf("damage the store under %s: %v", dir, err)
	}
	if !altered {
		tb.Fatalf("no block file under %s holds %q", dir, marker)
	}
}
