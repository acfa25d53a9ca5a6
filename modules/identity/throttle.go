package identity

import "net/netip"

// Limits bound what one client address may ask of password hashing.
type Limits struct {
	// HashesPerAddress is how many password hashes one client address may
	// have running or waiting in one instance; zero means half its CPUs, at
	// least one. It applies when the service builds its own Hasher.
	HashesPerAddress int
}

// clientNetwork is what limits per client address count under: the IPv4
// address, or the /64 of an IPv6 address, since one subscriber is usually
// given a whole /64. Anything else, such as the label a tool passes, counts
// as itself.
func clientNetwork(clientIP string) string {
	addr, err := netip.ParseAddr(clientIP)
	if err != nil {
		return clientIP
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	prefix, _ := addr.Prefix(64)
	return prefix.String()
}
