package jetstream

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"cxtracker/events"
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

// outsideInboxPrefix is where outside clients take their replies: the
// default of every NATS client, so a reader needs no setting.
const outsideInboxPrefix = "_INBOX"

// readerUser is the user every outside client without credentials is taken
// for (the server's no-auth user), so that no connection to the listener,
// on loopback or not, ever has more than a reader's rights.
const readerUser = "cx-reader"

// outsideRights let another service read the log and keep consumers of its
// own, and nothing else: only the tracker writes the audit trail. They are
// allow-lists, so a JetStream API the server adds later, and any stream
// besides CX stays closed: the tracker's key-value buckets hold the tokens'
// hashes, the keys that open personal data (CX_KEYS: read, one would open
// a data subject's sealed fields; deleted, it would erase them) and the
// answers a retried request is given again, which a forged entry would
// change ($KV.> is neither published to nor read, and no API subject names
// their streams; outsiders_test.go tries). What
// a reader needs, and so what is allowed:
//
//   - $JS.API.INFO, and the names of the streams (clients look a stream up
//     by subject there); not STREAM.LIST, which would show every stream's
//     configuration and state;
//   - the info of CX, and single messages from it (MSG.GET, DIRECT.GET and
//     its last-by-subject form);
//   - consumers on CX: create (the ephemeral, named and filtered forms and
//     the older durable form; an update is a create of the same name), info,
//     names, list and delete; pulls (MSG.NEXT);
//   - acks and flow-control answers of CX's consumers, in the server's
//     default (v1) form $JS.ACK.CX.<consumer>..., $JS.FC.CX.<consumer>....
//
// Never allowed, by being absent: creating, updating, deleting, purging,
// snapshotting or restoring a stream, deleting a message, anything on
// another stream, and publishing to cx.> or to any inbox. A subscriber to
// cx.> sees the reply subject of each of the tracker's publishes and could
// otherwise answer before JetStream, faking an ack; one outside user could
// likewise answer another's requests.
//
// Subscriptions are limited to the events and the clients' own inboxes
// (where pulled messages and API answers arrive, and where nats.go puts a
// push consumer's deliver subject); the tracker's inbox and every other
// subject, such as a bucket's, are closed.
var outsideRights = &server.Permissions{
	Publish: &server.SubjectPermission{Allow: []string{
		"$JS.API.INFO",
		"$JS.API.STREAM.NAMES",
		"$JS.API.STREAM.INFO." + StreamName,
		"$JS.API.STREAM.MSG.GET." + StreamName,
		"$JS.API.DIRECT.GET." + StreamName,
		"$JS.API.DIRECT.GET." + StreamName + ".>",
		"$JS.API.CONSUMER.CREATE." + StreamName,
		"$JS.API.CONSUMER.CREATE." + StreamName + ".>",
		"$JS.API.CONSUMER.DURABLE.CREATE." + StreamName + ".*",
		"$JS.API.CONSUMER.INFO." + StreamName + ".*",
		"$JS.API.CONSUMER.DELETE." + StreamName + ".*",
		"$JS.API.CONSUMER.NAMES." + StreamName,
		"$JS.API.CONSUMER.LIST." + StreamName,
		"$JS.API.CONSUMER.MSG.NEXT." + StreamName + ".*",
		"$JS.ACK." + StreamName + ".>",
		"$JS.FC." + StreamName + ".>",
	}},
	Subscribe: &server.SubjectPermission{
		Allow: []string{events.SubjectPrefix + ".>", outsideInboxPrefix + ".>"},
		Deny:  []string{InboxPrefix + ".>"},
	},
}

// secureListener applies auth to opts. A listener beyond the loopback
// interface needs credentials and TLS, so that the audit trail is never
// served to the network in the clear or to anyone. Whatever the listener,
// outside clients get only outsideRights: with credentials, as the users
// they sign in as; without, as the no-auth user every client is taken for.
// The tracker's own in-process connection signs in as an internal user
// whose password exists only in this process.
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
	case a.User == internalUserName || a.User == readerUser:
		return "", "", fmt.Errorf("--nats-listen-user %q is a name the tracker keeps for itself: choose another", a.User)
	}
	if a.tls() {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: a.TLSCert, KeyFile: a.TLSKey})
		if err != nil {
			return "", "", fmt.Errorf("NATS listener TLS: %w", err)
		}
		opts.TLSConfig, opts.TLS = tc, true
	}
	internalPassword, err = secret()
	if err != nil {
		return "", "", err
	}
	opts.Users = []*server.User{{Username: internalUserName, Password: internalPassword}}
	if a.User != "" {
		opts.Users = append(opts.Users, &server.User{Username: a.User, Password: a.Password, Permissions: outsideRights})
	}
	if a.NKey != "" {
		opts.Nkeys = []*server.NkeyUser{{Nkey: a.NKey, Permissions: outsideRights}}
	}
	if !a.credentials() {
		// The reader's password is never told to anyone: clients come in as
		// this user by presenting no credentials at all.
		readerPassword, err := secret()
		if err != nil {
			return "", "", err
		}
		opts.Users = append(opts.Users, &server.User{Username: readerUser, Password: readerPassword, Permissions: outsideRights})
		opts.NoAuthUser = readerUser
	}
	return internalUserName, internalPassword, nil
}

// internalUserName is the user the tracker's own connection signs in as.
const internalUserName = "cxtracker-internal"

// secret is a random password that exists only in this process.
func secret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
