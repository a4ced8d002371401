package main

import (
	"context"
	"errors"

	"fmt"
	"os"
	"path/filepath"

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
	tok, hash := api.NewToken()
	path := filepath.Join(m.Config.Data, AdminTokenFile)
	if err := os.MkdirAll(m.Config.Data, 0o750); err != nil {
		return fmt.Errorf("admin token: %w", err)
	}
	// The file is written before the token exists, so a token never exists
	// that nobody holds.
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
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
