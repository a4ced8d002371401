package webhooks

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// names is a resolver that answers from a table: the DNS answers a test
// needs (a name that resolves to a private address) without a DNS server.
type names map[string][]netip.Addr

func (n names) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := n[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func TestAnEndpointOnANonPublicAddressOtherThanLoopbackIsRefused(t *testing.T) {
	r := names{
		"hooks.example.com": {netip.MustParseAddr("93.184.215.14")},
		"inside.example":    {netip.MustParseAddr("10.1.2.3")},
		"mixed.example":     {netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("169.254.169.254")},
		"localhost":         {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")},
	}
	allowed := []string{
		"https://hooks.example.com/cx",
		"https://93.184.215.14:8443/cx",
		"http://127.0.0.1:8080/hook",
		"http://[::1]:9000/hook",
		"http://localhost:3000/hook",
		"https://[2606:4700::1111]/cx",
	}
	refused := []string{
		"https://10.0.0.1/hook",
		"https://172.16.5.4/hook",
		"https://192.168.1.1/hook",
		"https://169.254.169.254/latest/meta-data",
		"https://[fe80::1]/hook",
		"https://[fc00::1]/hook",
		"https://0.0.0.0/hook",
		"https://[::]/hook",
		"https://224.0.0.1/hook",
		"https://100.64.0.1/hook",
		"https://[::ffff:10.0.0.1]/hook",
		"https://[64:ff9b::a00:1]/hook",
		"https://inside.example/hook",
		"https://mixed.example/hook",
		"https://nowhere.example/hook",
		"http://hooks.example.com/cx",
		"ftp://hooks.example.com/cx",
		"https://user:pw@hooks.example.com/cx",
		"hooks.example.com/cx",
		"https://hooks.example.com/cx#frag",
	}
	for _, u := range allowed {
		if err := CheckURL(t.Context(), r, u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range refused {
		if err := CheckURL(t.Context(), r, u); !errors.Is(err, ErrRefused) {
			t.Errorf("%s not refused (%v)", u, err)
		}
	}
}

// TestTheClientRefusesANonPublicAddressAtConnectTime covers a name that
// resolved to a public address at registration and to a private one
// since (DNS rebinding): the connection itself is refused.
func TestTheClientRefusesANonPublicAddressAtConnectTime(t *testing.T) {
	client := NewClient(2 * time.Second)
	for _, u := range []string{"http://10.0.0.1:80/", "http://169.254.169.254/", "http://[fe80::1]:80/"} {
		_, err := post(t.Context(), client, Subscription{URL: u, Secret: NewSecret()}, "msg", time.Unix(0, 0), []byte("{}"))
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: the connection was not refused by the dialer's check: %v", u, err)
		}
	}
}
