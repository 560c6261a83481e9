package input

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// A zip archive lists its members at its end, in the central directory. A
// copy or download cut short loses that list, and archive/zip then reads
// nothing. But each member is also preceded by a local header, so the
// members before the cut can still be found by reading the archive from
// its start, header by header, as done here.

const (
	localHeaderLen = 30
	sigLocal       = "PK\x03\x04"
	sigCentral     = "PK\x01\x02"
	sigEnd         = "PK\x05\x06"
	sigEnd64       = "PK\x06\x06"
	sigDescriptor  = "PK\x07\x08"
)

// errCut is the error of a member that the archive ends inside.
var errCut = errors.New("the archive is cut short inside this member; it is read up to the cut")

// recover lists an archive whose central directory cannot be read (cause)
// by its local headers, and reports the damage as an error on the archive.
func (a *archive) recover(cause error) listing {
	var ls listing
	problem := a.scanLocal(&ls)
	msg := fmt.Sprintf("the zip archive is damaged or cut short (%v): its list of members cannot be read, so it was read from its start, member by member; %d found",
		cause, ls.files)
	if problem != "" {
		msg += "; " + problem
	}
	ls.errors = append([]Error{{Name: a.path, Err: errors.New(msg)}}, ls.errors...)
	return ls
}

// scanLocal walks the local headers from the start of the archive, adding
// each member found, and returns why it stopped before the central
// directory, if it did.
func (a *archive) scanLocal(ls *listing) string {
	for off := int64(0); ; {
		var h [localHeaderLen]byte
		n, _ := a.ReadAt(h[:], off)
		if n == 0 && off == a.size {
			return "the archive ends after its last member, where its list of members should be"
		}
		if n < 4 {
			return fmt.Sprintf("the archive ends at byte %d, inside the header of a member", a.size)
		}
		switch string(h[:4]) {
		case sigCentral, sigEnd, sigEnd64:
			return "" // the central directory is there, but damaged
		case sigLocal:
		default:
			return fmt.Sprintf("there is no member header at byte %d, where one should start; the rest of the archive cannot be read", off)
		}
		if n < localHeaderLen {
			return fmt.Sprintf("the archive ends at byte %d, inside the header of a member", a.size)
		}
		le := binary.LittleEndian
		flags, method, crc := le.Uint16(h[6:]), le.Uint16(h[8:]), le.Uint32(h[14:])
		packed, size := int64(le.Uint32(h[18:])), int64(le.Uint32(h[22:]))
		nx := make([]byte, int(le.Uint16(h[26:]))+int(le.Uint16(h[28:])))
		if n, _ := a.ReadAt(nx, off+localHeaderLen); n < len(nx) {
			return fmt.Sprintf("the archive ends at byte %d, inside the header of a member", a.size)
		}
		nameLen := int(le.Uint16(h[26:]))
		name, dir := memberName(string(nx[:nameLen]))
		size, packed = zip64Sizes(nx[nameLen:], size, packed)
		data := off + localHeaderLen + int64(len(nx))
		m := member{name: name, method: method, flags: flags, size: size}
		if !dir {
			ls.files++
		}
		if flags&8 == 0 { // the sizes are in the local header
			end := data + packed
			if packed < 0 || end > a.size || end < data {
				m.packed = a.size - data
				m.open = a.section(data, m.packed, method, nil, true)
				a.addRecovered(ls, m, dir)
				return fmt.Sprintf("the archive ends inside %s, which is read up to the cut", name)
			}
			m.packed = packed
			m.open = a.section(data, packed, method, &crcCheck{crc: crc, size: size}, false)
			a.addRecovered(ls, m, dir)
			off = end
			continue
		}
		// The sizes follow the data, in a data descriptor: only a deflated
		// member, whose stream marks its own end, can be measured.
		if method != zip.Deflate {
			if !dir {
				ls.errors = append(ls.errors, Error{Name: a.memberPath(name),
					Err: errors.New("the member's size is written after its data, which cannot be found without the archive's list of members: it is not read")})
			}
			return fmt.Sprintf("the members after %s cannot be found", name)
		}
		used, err := a.measure(m, data)
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				ls.errors = append(ls.errors, Error{Name: a.memberPath(name), Err: err})
				return fmt.Sprintf("the members after %s cannot be found", name)
			}
			m.packed = a.size - data
			m.open = a.section(data, m.packed, method, nil, true)
			a.addRecovered(ls, m, dir)
			return fmt.Sprintf("%s is damaged or cut short (%v): it is read as far as it goes, and the members after it cannot be found", name, err)
		}
		m.packed = used
		next, check := a.descriptor(data+used, used)
		m.open = a.section(data, used, method, check, false)
		a.addRecovered(ls, m, dir)
		if next < 0 {
			return fmt.Sprintf("the end of %s cannot be found, nor the members after it", name)
		}
		off = next
	}
}

func (a *archive) addRecovered(ls *listing, m member, dir bool) {
	if !dir {
		a.add(ls, m)
	}
}

// zip64Sizes reads the sizes a local header's zip64 extra field holds for
// the ones it marks as too large for 32 bits.
func zip64Sizes(extra []byte, size, packed int64) (int64, int64) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if n > len(extra)-4 {
			break
		}
		field := extra[4 : 4+n]
		if id == 1 {
			if size == 0xFFFFFFFF && len(field) >= 8 {
				size, field = int64(le.Uint64(field)), field[8:]
			}
			if packed == 0xFFFFFFFF && len(field) >= 8 {
				packed = int64(le.Uint64(field))
			}
		}
		extra = extra[4+n:]
	}
	return size, packed
}

// measure decompresses the deflated member m whose data starts at data,
// within the limits, and returns the length of its compressed data.
func (a *archive) measure(m member, data int64) (int64, error) {
	cr := &countingReader{r: bufio.NewReader(io.NewSectionReader(a, data, a.size-data))}
	m.packed = a.size - data
	m.open = func() (io.ReadCloser, error) { return flate.NewReader(cr), nil }
	rc, err := a.openMember(m)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return 0, err
	}
	return cr.n, nil
}

// countingReader counts the bytes read through it. Being an
// io.ByteReader, it keeps flate from reading past the end of its stream.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// descriptor reads the data descriptor at off, after a member of packed
// compressed bytes, and returns where the next header starts (-1 if it
// cannot be found) and the member's checksum and size. The descriptor may
// or may not start with a signature and holds 32- or 64-bit sizes; the
// form whose compressed size is packed is the one written.
func (a *archive) descriptor(off, packed int64) (int64, *crcCheck) {
	var d [24]byte
	n, _ := a.ReadAt(d[:], off)
	le := binary.LittleEndian
	for _, form := range []struct {
		sig  bool
		wide bool
	}{{true, false}, {true, true}, {false, false}, {false, true}} {
		b := d[:n]
		if form.sig {
			if len(b) < 4 || string(b[:4]) != sigDescriptor {
				continue
			}
			b = b[4:]
		}
		need := 12
		if form.wide {
			need = 20
		}
		if len(b) < need {
			continue
		}
		crc := le.Uint32(b)
		var c, s int64
		if form.wide {
			c, s = int64(le.Uint64(b[4:])), int64(le.Uint64(b[12:]))
		} else {
			c, s = int64(le.Uint32(b[4:])), int64(le.Uint32(b[8:]))
		}
		next := off + int64(n-len(b)+need)
		if c != packed || !a.headerAt(next) {
			continue
		}
		return next, &crcCheck{crc: crc, size: s}
	}
	return -1, nil
}

// headerAt tells whether a member header or the central directory starts
// at off, or the archive ends there.
func (a *archive) headerAt(off int64) bool {
	if off == a.size {
		return true
	}
	var sig [4]byte
	if n, _ := a.ReadAt(sig[:], off); n < 4 {
		return false
	}
	switch string(sig[:]) {
	case sigLocal, sigCentral, sigEnd, sigEnd64:
		return true
	}
	return false
}

// section returns an opener for a member's compressed data, the n bytes at
// off, checked against check when it is known. cut says the archive ends
// before the member's data does.
func (a *archive) section(off, n int64, method uint16, check *crcCheck, cut bool) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		var r io.Reader = io.NewSectionReader(a, off, n)
		if cut {
			r = cutReader{r}
		}
		var rc io.ReadCloser
		switch method {
		case zip.Store:
			rc = io.NopCloser(r)
		case zip.Deflate:
			rc = flate.NewReader(r)
		default:
			return nil, zip.ErrAlgorithm
		}
		if check != nil {
			rc = &checkedReader{rc: rc, want: *check, h: crc32.NewIEEE()}
		}
		return rc, nil
	}
}

// cutReader turns the end of an archive cut inside a member into errCut,
// so that a reader never takes the cut for the member's end.
type cutReader struct{ r io.Reader }

func (c cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		err = errCut
	}
	return n, err
}

// crcCheck is what a member's data must add up to.
type crcCheck struct {
	crc  uint32
	size int64
}

// checkedReader checks a member's checksum and size at its end.
type checkedReader struct {
	rc   io.ReadCloser
	want crcCheck
	h    hash.Hash32
	n    int64
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if err == io.EOF && (c.n != c.want.size || c.h.Sum32() != c.want.crc) {
		err = fmt.Errorf("%w: the member is damaged (%d bytes, checksum %08x; its header says %d bytes, %08x)",
			zip.ErrChecksum, c.n, c.h.Sum32(), c.want.size, c.want.crc)
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.rc.Close() }
