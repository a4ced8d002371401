package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cxtracker/api"
	"cxtracker/events"
)

// AdminTokenFile is where the first start writes the admin token, under the
// data directory.
const AdminTokenFile = "admin.token"

// bootstrapAdmin makes sure someone can administer the tracker. A token in
// CXTRACKER_ADMIN_TOKEN is issued with the admin grant if the log does not
// know it yet. Otherwise, when no admin token exists, the first start issues
// one and writes it to <data>/admin.token, readable by its owner only. The
// path is logged, never the token; its hash is kept in the credential
// store, not in the log.
func (m *Main) bootstrapAdmin(ctx context.Context) error {
	if tok := m.Config.AdminToken; tok != "" {
		hash := api.HashToken(tok)
		if _, ok := m.views.Tokens.ByHash(hash); ok {
			return nil
		}
		if m.views.Tokens.Revoked(hash) {
			return errors.New("CXTRACKER_ADMIN_TOKEN was revoked; a revoked token is never issued again: set another")
		}
		if err := m.issueAdmin(ctx, hash, "from CXTRACKER_ADMIN_TOKEN"); err != nil {
			return err
		}
		m.Logger.Info("admin token from CXTRACKER_ADMIN_TOKEN registered")
		return nil
	}
	if m.views.Tokens.HasAdmin() {
		return nil
	}
	path := filepath.Join(m.Config.Data, AdminTokenFile)
	if old, err := os.ReadFile(path); err == nil {
		return m.adoptAdmin(ctx, path, strings.TrimSpace(string(old)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("admin token: %w", err)
	}
	tok, hash := api.NewToken()
	if err := os.MkdirAll(m.Config.Data, 0o750); err != nil {
		return fmt.Errorf("admin token: %w", err)
	}
	// The file is written before the token exists, so a token never exists
	// that nobody holds. O_EXCL keeps it from ever replacing another.
	if err := writeNewFile(path, []byte(tok+"\n")); err != nil {
		return fmt.Errorf("admin token: %w", err)
	}
	if err := m.issueAdmin(ctx, hash, "first start"); err != nil {
		return err
	}
	m.Logger.Info("admin token created", "file", path)
	return nil
}

func (m *Main) issueAdmin(ctx context.Context, hash, label string) error {
	id := events.NewID()
	if _, err := api.KeepCredential(ctx, m.creds, m.views.Tokens, id, hash); err != nil {
		return fmt.Errorf("keep the admin token's hash: %w", err)
	}
	_, err := m.engine.Execute(ctx, events.IssueToken{TokenID: id, Label: "admin (" + label + ")", Grants: []string{events.GrantAdmin}},
		events.Meta{Actor: "system"})
	if err != nil {
		return fmt.Errorf("issue the admin token: %w", err)
	}
	return m.projector.WaitFor(ctx, m.engine.LastSeq())
}

// adoptAdmin handles an admin.token the log has no admin for. It is never
// replaced: its holder would silently lose the tracker. When the log is the
// one the directory recorded, the file comes from a first start that
// stopped before its token was issued, and that token is issued now.
// Otherwise the log is not the one the file was made for (it was deleted,
// say, before the directory recorded its log), and the start refuses.
func (m *Main) adoptAdmin(ctx context.Context, path, tok string) error {
	if !m.logKnown || tok == "" {
		return fmt.Errorf("%s exists, but the event log holds no admin token: the log is not the one this directory held; refusing to replace the token (restore the log, or give another --data)", path)
	}
	hash := api.HashToken(tok)
	if m.views.Tokens.Revoked(hash) {
		return fmt.Errorf("the token in %s was revoked and the log holds no admin token; set CXTRACKER_ADMIN_TOKEN to register another", path)
	}
	if err := m.issueAdmin(ctx, hash, "first start"); err != nil {
		return err
	}
	m.Logger.Info("admin token issued from the file of an interrupted first start", "file", path)
	return nil
}

// writeNewFile writes data to a new file at path, readable by its owner
// only, and fails if the file exists.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
