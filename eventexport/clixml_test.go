package eventexport

import (
	"strings"
	"testing"
)

// §5's excerpts (SANS Holiday Hack Challenge 2019 EventLog.xml; JPCERTCC/
// LogonTracer issue #63) made whole: the elements and values they show are
// verbatim; LogName, MachineName, Id and the second objects are ours.
const sampleCLIXMLRecord = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0">
      <T>System.Diagnostics.Eventing.Reader.EventLogRecord</T>
      <T>System.Object</T>
    </TN>
    <Props>
      <I32 N="Id">1</I32>
      <I64 N="RecordId">2194</I64>
      <S N="ProviderName">Microsoft-Windows-Sysmon</S>
      <S N="LogName">Microsoft-Windows-Sysmon/Operational</S>
      <S N="MachineName">elfu-res-wks1</S>
      <Nil N="Qualifiers" />
      <B N="Level">4</B>
      <DT N="TimeCreated">2019-11-07T09:59:56.5265735-08:00</DT>
      <Obj N="Properties" RefId="1">
        <TN RefId="1">
          <T>System.Collections.Generic.List` + "`" + `1[[System.Diagnostics.Eventing.Reader.EventProperty]]</T>
        </TN>
        <LST>
          <Obj RefId="2">
            <TN RefId="2"><T>System.Diagnostics.Eventing.Reader.EventProperty</T></TN>
            <Props>
                <S N="Value">-</S>
            </Props>
          </Obj>
          <Obj RefId="3">
            <TNRef RefId="2" />
            <Props>
                <U32 N="Value">3664</U32>
            </Props>
          </Obj>
        </LST>
      </Obj>
    </Props>
    <MS>
        <S N="Message">Process Create:_x000D__x000A_RuleName: _x000D__x000A_UtcTime: 2019-11-07 17:59:56.525</S>
    </MS>
  </Obj>
  <Obj RefId="4">
    <TNRef RefId="0" />
    <Props>
      <I64 N="RecordId">2195</I64>
      <S N="ProviderName">Microsoft-Windows-Sysmon</S>
    </Props>
  </Obj>
</Objs>
`

const sampleCLIXMLEntry = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0">
      <T>Selected.System.Diagnostics.EventLogEntry</T>
      <T>System.Management.Automation.PSCustomObject</T>
    </TN>
    <MS>
      <I64 N="EventID">2001</I64>
      <S N="MachineName">SERVER5.contoso.local</S>
      <I32 N="Index">311</I32>
      <Obj N="EntryType" RefId="1">
        <TN RefId="1">
          <T>System.Diagnostics.EventLogEntryType</T>
        </TN>
        <ToString>Warning</ToString>
        <I32>2</I32>
      </Obj>
      <S N="Source">MSExchangeRepl</S>
      <DT N="TimeGenerated">2024-02-12T07:00:00+01:00</DT>
      <S N="Message">The Microsoft Exchange Replication service started.</S>
    </MS>
  </Obj>
</Objs>`

func TestCLIXML(t *testing.T) {
	recs, st, err := readAll(t, encode(t, sampleCLIXMLRecord, "utf-16le (bom)"))
	if err != nil || st.Format != CLIXML || len(recs) != 2 || st.Damaged() {
		t.Fatalf("format %v, %d records, problems %v, %v", st.Format, len(recs), st.Problems, err)
	}
	want := "file=sample line=2 record=2194 time=2019-11-07T17:59:56.5265735Z computer=elfu-res-wks1 channel=Microsoft-Windows-Sysmon/Operational provider=Microsoft-Windows-Sysmon id=1 level=4"
	if got := systemText(recs[0]); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if v := valuesText(recs[0].Values); v != "=-\n=3664\nMessage=Process Create:\r\nRuleName: \r\nUtcTime: 2019-11-07 17:59:56.525\n" {
		t.Errorf("values %q", v)
	}
	// The second object names its type by reference only, and has no values.
	if recs[1].RecordID != 2195 || len(recs[1].Values) != 0 || len(st.Lacks) != 1 || !strings.Contains(st.Lacks[0], "no event values") {
		t.Errorf("second: %+v, lacks %q", recs[1], st.Lacks)
	}

	recs, st, err = readAll(t, encode(t, sampleCLIXMLEntry, "utf-8 (bom)"))
	if err != nil || len(recs) != 1 || st.Damaged() || len(st.Lacks) != 2 || !strings.Contains(st.Lacks[0], "no log name") {
		t.Fatalf("entry: %d records, problems %v, lacks %q, %v", len(recs), st.Problems, st.Lacks, err)
	}
	want = "file=sample line=2 record=311 time=2024-02-12T06:00:00Z computer=SERVER5.contoso.local channel= provider=MSExchangeRepl id=2001 level=3"
	if got := systemText(recs[0]); got != want {
		t.Errorf("entry:\ngot  %s\nwant %s", got, want)
	}
}

// A CLIXML cut in an event keeps the events before it.
func TestCLIXMLTruncated(t *testing.T) {
	cut := sampleCLIXMLRecord[:strings.Index(sampleCLIXMLRecord, `<Obj RefId="4">`)+40]
	recs, st, err := readAll(t, []byte(cut))
	if err != nil || len(recs) != 1 || st.Lost != 1 || len(st.Problems) != 1 || st.Problems[0].Line != 42 || !strings.Contains(st.Problems[0].Message, "starts on line 40") {
		t.Fatalf("%d records, %d lost, problems %v, %v", len(recs), st.Lost, st.Problems, err)
	}
}
