package trace

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/extriage/extriage/textio"
)

// Raw tracking-log rows are often handed over without their header block:
// an excerpt pasted into a case, or lines a log shipper kept. Each Exchange
// version writes a fixed column list, so a row that starts with a UTC
// timestamp and has exactly as many fields as one of them can be read with
// it. The assumption is reported as a file warning.

// The column lists of the #Fields: header by version: 2013 adds
// network-message-id to 2010's, 2016 and 2019 add three at the end.
const fieldsExchange2013 = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data"

var headerlessVersions = map[int]struct{ version, fields string }{
	26: {"Exchange 2010", strings.Replace(fieldsExchange2013, "network-message-id,", "", 1)},
	27: {"Exchange 2013", fieldsExchange2013},
	30: {"Exchange 2016/2019", fieldsExchange2013 + ",transport-traffic-type,log-id,schema-version"},
}

// rawTime is date-time as tracking logs write it.
var rawTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// headerless returns the layout for a header-less raw row, the version it
// assumes, and whether fields look like such a row at all.
func headerless(fields []string) (*layout, string, bool) {
	v, ok := headerlessVersions[len(fields)]
	if !ok || !rawTime.MatchString(fields[0]) {
		return nil, "", false
	}
	lay, err := rawFields("#Fields: " + v.fields)
	if err != nil {
		panic(fmt.Sprintf("trace: built-in %s field list: %v", v.version, err)) // a bug in the lists above
	}
	return lay, v.version, true
}

// headerlessStart reads a first line that is a header-less raw row: it
// sets the layout, warns, and reads the line as the first record.
func (rd *reader) headerlessStart(line string, n int64) (bool, error) {
	rr := &textio.CSVReader{Delim: ','}
	rec := rr.Split(n, []byte(line), "")
	lay, version, ok := headerless(rec.Fields)
	if !ok {
		return false, nil
	}
	rd.raw, rd.rr.Comments, rd.rr.Multiline = true, true, false
	rd.rr.Delim, rd.st.Delimiter = ',', ','
	rd.setLayout(lay, 0)
	rd.warnOnce("headerless", n, fmt.Sprintf(
		"no #Fields: header: the rows have %d columns and are read in the %s column order", len(rec.Fields), version))
	return true, rd.record(rd.rr.Split(n, []byte(line), ""))
}
