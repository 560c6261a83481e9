package input

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trackingLog is a small raw message-tracking log.
const trackingLog = "#Software: Microsoft Exchange Server\r\n" +
	"#Version: 15.01.2507.039\r\n" +
	"#Log-type: Message Tracking Log\r\n" +
	"#Date: 2024-03-04T08:00:00.000Z\r\n" +
	"#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version\r\n" +
	"2024-03-04T08:00:01.123Z,203.0.113.7,,,EX01,,,SMTP,RECEIVE,101,<cafe01@contoso.test>,,a@contoso.test,,1234,1,,,Hello,b@contoso.test,b@contoso.test,,Incoming,,,,,,,\r\n"

// smtpLog is an Exchange log that is not a tracking log.
const smtpLog = "#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.039\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2024-03-04T08:00:00.000Z\r\n#Fields: date-time,connector-id,session-id\r\n"

// evtxFile returns a small, valid .evtx file from the fixtures.
func evtxFile(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", "evtx", "field-case", "SERVER3", "Microsoft-Exchange-HighAvailability%4Operational.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entry is one member of a zip a test builds.
type entry struct {
	name   string
	data   []byte
	store  bool   // stored, not deflated
	method uint16 // another method than these (written as is)
	// sized writes the sizes and checksum in the local header, as Windows
	// and 7-Zip do, rather than in a data descriptor after the data, as
	// Go's writer does; sized members can be found in a truncated zip.
	sized bool
	flags uint16
}

// makeZip builds a zip archive of entries in memory.
func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		method := e.method
		switch {
		case e.store || strings.HasSuffix(e.name, "/"):
			method = zip.Store
		case method == 0:
			method = zip.Deflate
		}
		hdr := &zip.FileHeader{Name: e.name, Method: method, Flags: e.flags}
		var err error
		var out io.Writer
		if e.sized || (method != zip.Store && method != zip.Deflate) {
			packed := e.data
			if method == zip.Deflate {
				var z bytes.Buffer
				fw, _ := flate.NewWriter(&z, flate.BestCompression)
				fw.Write(e.data)
				fw.Close()
				packed = z.Bytes()
			}
			hdr.CRC32 = crc32.ChecksumIEEE(e.data)
			hdr.UncompressedSize64 = uint64(len(e.data))
			hdr.CompressedSize64 = uint64(len(packed))
			out, err = w.CreateRaw(hdr)
			if err == nil {
				_, err = out.Write(packed)
			}
		} else {
			out, err = w.CreateHeader(hdr)
			if err == nil {
				_, err = out.Write(e.data)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes data to dir/name, making folders as needed.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// memArchive is an archive over bytes in memory, for tests and fuzzing.
func memArchive(name string, data []byte, lim Limits) *archive {
	a := &archive{path: name, size: int64(len(data)), lim: lim.withDefaults()}
	a.open = func() (archiveFile, error) { return nopCloserAt{bytes.NewReader(data)}, nil }
	return a
}

type nopCloserAt struct{ *bytes.Reader }

func (nopCloserAt) Close() error { return nil }

// readAll opens in and reads it to its end.
func readAll(in Input) ([]byte, error) {
	rc, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// zeros is n zero bytes after an .evtx file header, so that the member is
// recognised as an event log and read to its end.
func evtxZeros(t testing.TB, n int) []byte {
	b := make([]byte, n)
	copy(b, evtxFile(t)[:4096])
	return b
}
