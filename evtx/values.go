package evtx

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/textio"
)

// BinXML value types (MS-EVEN6 §2.2.12, libyal's EVTX notes). The array flag
// is OR-ed onto a base type.
const (
	typeNull      = 0x00
	typeString    = 0x01
	typeAnsi      = 0x02
	typeInt8      = 0x03
	typeUint8     = 0x04
	typeInt16     = 0x05
	typeUint16    = 0x06
	typeInt32     = 0x07
	typeUint32    = 0x08
	typeInt64     = 0x09
	typeUint64    = 0x0a
	typeReal32    = 0x0b
	typeReal64    = 0x0c
	typeBool      = 0x0d
	typeBinary    = 0x0e
	typeGUID      = 0x0f
	typeSizeT     = 0x10
	typeFileTime  = 0x11
	typeSysTime   = 0x12
	typeSID       = 0x13
	typeHexInt32  = 0x14
	typeHexInt64  = 0x15
	typeBinXML    = 0x21
	typeArrayFlag = 0x80
)

// We decode values from their raw bytes ourselves rather than through
// golang-evtx, whose value parser drops empty strings from string arrays,
// parses every odd-numbered array type as strings, returns ANSI strings as
// bytes, size_t as "Unknown value", bool bytes other than 1 as false and
// SYSTEMTIME milliseconds as microseconds (docs/evtx-format.md).

// formatValue renders one substitution value as Windows' XML rendering would.
// It never fails: bytes that do not fit the declared type are rendered as
// hex so that nothing is silently lost.
func formatValue(typ byte, b []byte) string {
	if typ&typeArrayFlag != 0 {
		return strings.Join(arrayMembers(typ, b), ",")
	}
	switch typ {
	case typeNull:
		return ""
	case typeString:
		return utf16String(b)
	case typeAnsi:
		return ansiString(b)
	case typeInt8, typeUint8, typeInt16, typeUint16, typeInt32, typeUint32, typeInt64, typeUint64:
		return formatInt(typ, b)
	case typeReal32:
		if len(b) == 4 {
			return strconv.FormatFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 'g', -1, 32)
		}
	case typeReal64:
		if len(b) == 8 {
			return strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)), 'g', -1, 64)
		}
	case typeBool:
		return formatBool(b)
	case typeBinary:
		return strings.ToUpper(hex.EncodeToString(b))
	case typeGUID:
		if len(b) == 16 {
			return formatGUID(b)
		}
	case typeSizeT, typeHexInt32, typeHexInt64:
		return formatHex(b)
	case typeFileTime:
		if len(b) == 8 {
			return fileTime(binary.LittleEndian.Uint64(b)).Format(time.RFC3339Nano)
		}
	case typeSysTime:
		if t, ok := systemTime(b); ok {
			return t.Format(time.RFC3339Nano)
		}
	case typeSID:
		if s, ok := formatSID(b); ok {
			return s
		}
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// arrayMembers splits an array value into its members. A string array keeps
// its empty members: classic events store their insertion strings this way
// and a dropped empty string would shift every later position.
func arrayMembers(typ byte, b []byte) []string {
	base := typ &^ typeArrayFlag
	switch base {
	case typeString:
		return utf16Array(b)
	case typeAnsi:
		parts := strings.Split(string(b), "\x00")
		if len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		return parts
	}
	size := fixedSize(base)
	if size == 0 || len(b)%size != 0 {
		return []string{strings.ToUpper(hex.EncodeToString(b))}
	}
	out := make([]string, 0, len(b)/size)
	for i := 0; i < len(b); i += size {
		out = append(out, formatValue(base, b[i:i+size]))
	}
	return out
}

// fixedSize is the size of one member of an array of base type, 0 if the
// type has no fixed size.
func fixedSize(base byte) int {
	switch base {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeBool, typeHexInt32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeFileTime, typeHexInt64:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

// utf16String decodes UTF-16LE, dropping the terminating NULs writers add.
func utf16String(b []byte) string {
	b = b[:len(b)&^1]
	for n := len(b); n >= 2 && b[n-2] == 0 && b[n-1] == 0; n = len(b) {
		b = b[:n-2]
	}
	return textio.DecodeUTF16(b, false)
}

// utf16Array splits a NUL-separated UTF-16 string array. The final NUL
// terminates the last member and does not start a new one.
func utf16Array(b []byte) []string {
	b = b[:len(b)&^1]
	if n := len(b); n >= 2 && b[n-2] == 0 && b[n-1] == 0 {
		b = b[:n-2]
	}
	var out []string
	start := 0
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			out = append(out, textio.DecodeUTF16(b[start:i], false))
			start = i + 2
		}
	}
	return append(out, textio.DecodeUTF16(b[start:], false))
}

// ansiString decodes a codepage string. The code page is unknown offline, so
// bytes above 0x7f are taken as Windows-1252's Latin-1 subset.
func ansiString(b []byte) string {
	b = []byte(strings.TrimRight(string(b), "\x00"))
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func formatInt(typ byte, b []byte) string {
	signed := typ == typeInt8 || typ == typeInt16 || typ == typeInt32 || typ == typeInt64
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
		if signed {
			return strconv.FormatInt(int64(int8(b[0])), 10)
		}
	case 2:
		u = uint64(binary.LittleEndian.Uint16(b))
		if signed {
			return strconv.FormatInt(int64(int16(u)), 10)
		}
	case 4:
		u = uint64(binary.LittleEndian.Uint32(b))
		if signed {
			return strconv.FormatInt(int64(int32(u)), 10)
		}
	case 8:
		u = binary.LittleEndian.Uint64(b)
		if signed {
			return strconv.FormatInt(int64(u), 10)
		}
	default:
		return strings.ToUpper(hex.EncodeToString(b))
	}
	return strconv.FormatUint(u, 10)
}

// formatBool treats any non-zero value as true, as Windows does.
func formatBool(b []byte) string {
	for _, c := range b {
		if c != 0 {
			return "true"
		}
	}
	return "false"
}

// formatHex renders size_t and hex integers as Windows does: 0x-prefixed.
func formatHex(b []byte) string {
	switch len(b) {
	case 4:
		return fmt.Sprintf("0x%x", binary.LittleEndian.Uint32(b))
	case 8:
		return fmt.Sprintf("0x%x", binary.LittleEndian.Uint64(b))
	}
	return "0x" + hex.EncodeToString(b)
}

func formatGUID(b []byte) string {
	return fmt.Sprintf("{%08X-%04X-%04X-%X-%X}",
		binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint16(b[4:6]),
		binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}

func formatSID(b []byte) (string, bool) {
	if len(b) < 8 || b[0] != 1 || len(b) != 8+4*int(b[1]) {
		return "", false
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-1-%d", auth)
	for i := 0; i < int(b[1]); i++ {
		fmt.Fprintf(&sb, "-%d", binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return sb.String(), true
}

// fileTime converts a Windows FILETIME (100 ns ticks since 1601) to UTC.
func fileTime(ft uint64) time.Time {
	const epochDelta = 116444736000000000 // 1601-01-01 to 1970-01-01 in ticks
	if ft < epochDelta {
		return time.Unix(0, 0).UTC().Add(-time.Duration(epochDelta-ft) * 100)
	}
	d := ft - epochDelta
	return time.Unix(int64(d/1e7), int64(d%1e7)*100).UTC()
}

// Times outside [minTime, maxTime) are taken for damage or an unset clock,
// not for when an event happened: a FILETIME of zero is 1601, and a few
// flipped high bits give 2185. Such times are unknown, never part of a span.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// knownTime returns t, or the zero time when t is outside the years a log
// can hold.
func knownTime(t time.Time) (time.Time, bool) {
	if t.Before(minTime) || !t.Before(maxTime) {
		return time.Time{}, false
	}
	return t, true
}

// systemTime decodes a SYSTEMTIME; the last field is milliseconds. Fields
// out of their range (month 13, minute 75) make it invalid rather than
// carried into the next unit.
func systemTime(b []byte) (time.Time, bool) {
	if len(b) != 16 {
		return time.Time{}, false
	}
	f := func(i int) int { return int(binary.LittleEndian.Uint16(b[2*i:])) }
	if f(1) < 1 || f(1) > 12 || f(3) < 1 || f(3) > 31 || f(4) > 23 || f(5) > 59 || f(6) > 59 || f(7) > 999 {
		return time.Time{}, false
	}
	t := time.Date(f(0), time.Month(f(1)), f(3), f(4), f(5), f(6), f(7)*int(time.Millisecond), time.UTC)
	return t, t.Day() == f(3) // 31 February is no date
}
