package jetstream

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// ListenerAuth secures the embedded server's client listener for other
// services: a user and password, or a user nkey (its public key), and TLS.
type ListenerAuth struct {
	User, Password string
	NKey           string
	TLSCert        string
	TLSKey         string
}

func (a ListenerAuth) credentials() bool { return a.User != "" || a.NKey != "" }
func (a ListenerAuth) tls() bool         { return a.TLSCert != "" }

// InboxPrefix is where the tracker's own connection takes its replies, so
// that no outside user can read or answer them.
const InboxPrefix = "_CXT_INBOX"

// outsideRights let another service read the log and keep consumers of its
// own, but not write events nor change or remove the stream: only the
// tracker writes the audit trail. Nor may it write into a key-value bucket
// ($KV.>): the tracker's buckets hold the tokens' hashes and the answers a
// retried request is given again, which a forged entry would change. Nor
// may it publish to any inbox: a subscriber to cx.> sees the reply subject
// of each of the tracker's publishes and could otherwise answer before
// JetStream, faking an ack.
var outsideRights = &server.Permissions{
	Publish: &server.SubjectPermission{Deny: []string{
		"cx.>", "$KV.>", "$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.DELETE.>",
		"$JS.API.STREAM.PURGE.>", "$JS.API.STREAM.MSG.DELETE.>", "$JS.API.STREAM.RESTORE.>",
		"_INBOX.>", InboxPrefix + ".>",
	}},
	Subscribe: &server.SubjectPermission{Deny: []string{InboxPrefix + ".>"}},
}

// secureListener applies auth to opts. A listener beyond the loopback
// interface needs credentials and TLS, so that the audit trail is never
// served to the network in the clear or to anyone. With credentials, the
// tracker's own in-process connection signs in as an internal user whose
// password exists only in this process.
func secureListener(opts *server.Options, listen string, a ListenerAuth) (internalUser, internalPassword string, err error) {
	host := opts.Host
	loopback := host == "localhost" || (net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback())
	switch {
	case (a.User == "") != (a.Password == ""):
		return "", "", errors.New("--nats-listen-user and --nats-listen-password go together")
	case a.NKey != "" && !nkeys.IsValidPublicUserKey(a.NKey):
		return "", "", fmt.Errorf("--nats-listen-nkey %q is not a user's public nkey (it starts with U)", a.NKey)
	case (a.TLSCert == "") != (a.TLSKey == ""):
		return "", "", errors.New("--nats-listen-tls-cert and --nats-listen-tls-key go together")
	case !loopback && !(a.credentials() && a.tls()):
		return "", "", fmt.Errorf("refusing to open the NATS listener on %s, beyond the loopback interface, without credentials and TLS: "+
			"give --nats-listen-user and --nats-listen-password (or --nats-listen-nkey) and --nats-listen-tls-cert and --nats-listen-tls-key, or listen on 127.0.0.1", listen)
	}
	if a.tls() {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: a.TLSCert, KeyFile: a.TLSKey})
		if err != nil {
			return "", "", fmt.Errorf("NATS listener TLS: %w", err)
		}
		opts.TLSConfig, opts.TLS = tc, true
	}
	if !a.credentials() {
		return "", "", nil
	}
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return "", "", err
	}
	internalUser, internalPassword = "cxtracker-internal", hex.EncodeToString(secret)
	opts.Users = []*server.User{{Username: internalUser, Password: internalPassword}}
	if a.User != "" {
		opts.Users = append(opts.Users, &server.User{Username: a.User, Password: a.Password, Permissions: outsideRights})
	}
	if a.NKey != "" {
		opts.Nkeys = []*server.NkeyUser{{Nkey: a.NKey, Permissions: outsideRights}}
	}
	return internalUser, internalPassword, nil
}
