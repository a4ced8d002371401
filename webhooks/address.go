package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrRefused is wrapped by every refusal of an endpoint's URL or address.
var ErrRefused = errors.New("webhook endpoint refused")

// notPublic are ranges that net/netip's predicates do not cover but that
// reach no public endpoint: shared address space (carrier-grade NAT), the
// IETF protocol assignments, documentation, benchmarking, reserved and
// broadcast ranges, and NAT64 and 6to4 prefixes, which embed an IPv4
// address that would bypass its own check.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("100::/64"),
}

// CheckAddr says why the tracker may not connect to ip, nil when it may:
// loopback, or a public unicast address.
func CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return nil
	case !ip.IsValid(), ip.IsUnspecified():
		return fmt.Errorf("%w: %s is unspecified", ErrRefused, ip)
	case ip.IsPrivate():
		return fmt.Errorf("%w: %s is a private address", ErrRefused, ip)
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return fmt.Errorf("%w: %s is link-local", ErrRefused, ip)
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("%w: %s is multicast", ErrRefused, ip)
	case !ip.IsGlobalUnicast():
		return fmt.Errorf("%w: %s is not a public unicast address", ErrRefused, ip)
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in %s, which is not public", ErrRefused, ip, p)
		}
	}
	return nil
}

// Resolver looks a host's addresses up; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckURL says why an endpoint may not be registered, nil when it may: an
// absolute https URL, or http to a loopback host, with no user info or
// fragment, whose host resolves only to addresses CheckAddr allows. The
// same check runs again at every connection (Control), so that a name that
// resolves elsewhere later reaches nothing it may not.
func CheckURL(ctx context.Context, r Resolver, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: %q is not an absolute URL", ErrRefused, raw)
	}
	if u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%w: the URL may hold neither user info nor a fragment", ErrRefused)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("%w: the scheme must be https (or http to a loopback host), not %q", ErrRefused, u.Scheme)
	}
	host := u.Hostname()
	addrs, err := lookup(ctx, r, host)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if err := CheckAddr(a); err != nil {
			return fmt.Errorf("%w (host %s)", err, host)
		}
		if u.Scheme == "http" && !a.Unmap().IsLoopback() {
			return fmt.Errorf("%w: plain http is allowed to a loopback host only; %s is %s", ErrRefused, host, a)
		}
	}
	return nil
}

// lookup is host's addresses: the host itself when it is an address.
func lookup(ctx context.Context, r Resolver, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return nil, fmt.Errorf("%w: host %q does not resolve", ErrRefused, host)
	}
	return addrs, nil
}

// Control is a net.Dialer's Control hook that refuses, at connect time,
// every address CheckAddr refuses: whatever a name resolved to when it was
// registered, the connection goes only where it may.
func Control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read the address %q", ErrRefused, address)
	}
	return CheckAddr(ap.Addr())
}

var _ Resolver = net.DefaultResolver
