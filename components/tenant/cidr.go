package tenant

import "net/netip"

// cidrContains reports whether the network cidr contains the address addr. Unparsable input contains nothing.
func cidrContains(cidr, addr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	return p.Contains(a)
}
