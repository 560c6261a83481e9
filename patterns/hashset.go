package patterns

// hashSet is a set of 64-bit hashes, each with eight flag bits: an open
// addressing table that costs 9 to 18 bytes a member, where a Go map of
// uint64 takes about 36. It holds what an incident must remember of every
// hit to count records once.
type hashSet struct {
	keys  []uint64 // 0 is an empty slot; a hash of 0 is stored as 1
	flags []uint8
	n     int
}

// set adds flag to h's flags and reports whether h was a member and
// whether the flag was already set.
func (s *hashSet) set(h uint64, flag uint8) (member, had bool) {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.keys)*3 {
		s.grow()
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			had = s.flags[i]&flag == flag
			s.flags[i] |= flag
			return true, had
		case 0:
			s.keys[i], s.flags[i] = h, flag
			s.n++
			return false, false
		}
	}
}

func (s *hashSet) grow() {
	old, oldFlags := s.keys, s.flags
	size := max(16, 2*len(old))
	s.keys, s.flags, s.n = make([]uint64, size), make([]uint8, size), 0
	for i, k := range old {
		if k != 0 {
			s.set(k, oldFlags[i])
		}
	}
}

// union adds o's members and flags to s.
func (s *hashSet) union(o *hashSet) {
	for i, k := range o.keys {
		if k != 0 {
			s.set(k, o.flags[i])
		}
	}
}

func (s *hashSet) len() int { return s.n }

// has reports whether h is a member.
func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if len(s.keys) == 0 {
		return false
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; s.keys[i] != 0; i = (i + 1) & mask {
		if s.keys[i] == h {
			return true
		}
	}
	return false
}

// each calls f with every member (a member stored for 0 comes back as 1).
func (s *hashSet) each(f func(uint64)) {
	for _, k := range s.keys {
		if k != 0 {
			f(k)
		}
	}
}
