package config

import "net/netip"

// MetadataEndpoints are the cloud instance metadata endpoints, in both address families, that no tenant
// pod may reach: they hand out the node's cloud credentials (NSA/CISA "Network separation").
var MetadataEndpoints = []string{
	"169.254.169.254/32", // AWS, Azure, GCP, OpenStack, Oracle, DigitalOcean
	"100.100.100.200/32", // Alibaba Cloud
	"fd00:ec2::254/128",  // AWS (IPv6)
	"fd20:ce::254/128",   // GCP (IPv6)
}

var metadataPrefixes = func() []netip.Prefix {
	out := make([]netip.Prefix, len(MetadataEndpoints))
	for i, e := range MetadataEndpoints {
		out[i] = netip.MustParsePrefix(e)
	}
	return out
}()

// MetadataExcept returns the metadata endpoints an egress CIDR contains, to be excepted from it in a
// NetworkPolicy ipBlock: nothing for a CIDR that contains none of them, or that cannot be parsed.
func MetadataExcept(cidr string) []string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil
	}
	var out []string
	for i, m := range metadataPrefixes {
		if p.Bits() < m.Bits() && p.Contains(m.Addr()) {
			out = append(out, MetadataEndpoints[i])
		}
	}
	return out
}

// metadataEndpointIn returns the metadata endpoint that contains all of p (p is the endpoint itself, or
// inside it), and whether there is one: such a CIDR cannot be excepted, only refused.
func metadataEndpointIn(p netip.Prefix) (string, bool) {
	for i, m := range metadataPrefixes {
		if m.Bits() <= p.Bits() && m.Contains(p.Addr()) {
			return MetadataEndpoints[i], true
		}
	}
	return "", false
}
