package fastpng

// adlerMod is Adler-32's modulus (RFC 1950).
const adlerMod = 65521

// adler is an Adler-32 checksum, the one a zlib stream ends with. It adds a
// run of one repeated pixel in constant time, so that an image of long runs
// of one colour, as tiles are, is summed at the cost of its runs rather
// than of its bytes.
type adler struct{ s1, s2 uint32 }

func newAdler() adler { return adler{s1: 1} }

// sum returns the checksum.
func (a adler) sum() uint32 { return a.s2<<16 | a.s1 }

// write adds p.
func (a *adler) write(p []byte) {
	s1, s2 := a.s1, a.s2
	for len(p) > 0 {
		// 5552 bytes is the most that cannot overflow s2 (zlib's NMAX).
		q := p[:min(len(p), 5552)]
		p = p[len(q):]
		for _, x := range q {
			s1 += uint32(x)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	a.s1, a.s2 = s1, s2
}

// pixel adds the 4 bytes of p, lowest first.
func (a *adler) pixel(p uint32) {
	s1 := a.s1 + p&0xff
	s2 := a.s2 + s1
	s1 += p >> 8 & 0xff
	s2 += s1
	s1 += p >> 16 & 0xff
	s2 += s1
	s1 += p >> 24
	s2 += s1
	a.s1, a.s2 = s1%adlerMod, s2%adlerMod
}

// repeat adds n copies of the size bytes of pattern, lowest byte first
// (size 1 to 4): for the k-th byte x of L = n·size added, s2 grows by
// (L-k+1)·x beyond L·s1, summed here in closed form per pattern byte.
func (a *adler) repeat(pattern uint32, size, n int) {
	if n == 1 {
		s1, s2 := a.s1, a.s2
		for j := 0; j < size; j++ {
			s1 += pattern >> (8 * j) & 0xff
			s2 += s1
		}
		a.s1, a.s2 = s1%adlerMod, s2%adlerMod
		return
	}
	nn, p := uint64(n), uint64(size)
	l := nn * p
	s1, s2 := uint64(a.s1), uint64(a.s2)+l*uint64(a.s1)
	for j := uint64(0); j < p; j++ {
		x := uint64(pattern>>(8*j)) & 0xff
		s1 += nn * x
		// Byte j of copy m (0-based) is byte m·p+j+1 of the run: weight
		// l-(m·p+j); over m that sums to n·l - p·n(n-1)/2 - n·j.
		s2 += x * (nn*l - p*nn*(nn-1)/2 - nn*j)
	}
	a.s1, a.s2 = uint32(s1%adlerMod), uint32(s2%adlerMod)
}
