package eventexport

import (
	"strings"
	"unicode"
)

// Sniff recognises an event export from its first bytes (up to 4 KiB; fewer
// if the input is shorter). It returns Unknown for anything else, including
// .evtx files and zip archives, which other readers take.
func Sniff(head []byte) Format {
	f, _ := sniff(head)
	return f
}

func sniff(head []byte) (Format, textEncoding) {
	enc, binary := sniffEncoding(head)
	if binary {
		return Unknown, enc
	}
	return formatOf(headText(head, enc)), enc
}

// eventNS is the namespace of every <Event> Windows renders (§1a, §2).
const eventNS = "http://schemas.microsoft.com/win/2004/08/events/event"

// formatOf recognises the format from the first text, after any BOM, by the
// table of §0 step 3.
func formatOf(text string) Format {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if strings.HasPrefix(text, "<") {
		return xmlFormat(text)
	}
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimRight(line, "\r")
	switch {
	case strings.HasPrefix(text, "Event[0]:"):
		return WevtutilText
	case line == "Level,Date and Time,Source,Event ID,Task Category":
		return EventViewerCSV
	case line == "Level\tDate and Time\tSource\tEvent ID\tTask Category":
		return EventViewerText
	case strings.HasPrefix(line, "#TYPE "):
		return typedCSV(line, text)
	case strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{"):
		if strings.Contains(text, `"Id"`) && strings.Contains(text, `"ProviderName"`) && strings.Contains(text, `"TimeCreated"`) {
			return WinEventJSON
		}
		return Unknown
	}
	return csvHeader(line)
}

// xmlFormat tells the XML shapes apart: a declaration then <Events> is
// Event Viewer's; <Objs> is CLIXML; anything holding <Event> elements of
// the event namespace is a wevtutil-style stream.
func xmlFormat(text string) Format {
	declared := false
	if strings.HasPrefix(text, "<?xml") {
		_, rest, ok := strings.Cut(text, "?>")
		if !ok {
			return Unknown
		}
		declared, text = true, strings.TrimLeftFunc(rest, unicode.IsSpace)
	}
	switch {
	case startsElement(text, "Objs"):
		return CLIXML
	case declared && startsElement(text, "Events"):
		return EventViewerXML
	case startsElement(text, "Event"):
		return EventXMLStream
	case strings.Contains(text, "<Event xmlns='"+eventNS+"'") || strings.Contains(text, `<Event xmlns="`+eventNS+`"`):
		return EventXMLStream // inside a root, as /e:<root> writes
	}
	return Unknown
}

// startsElement tells whether text starts with the start tag of name.
func startsElement(text, name string) bool {
	rest, ok := strings.CutPrefix(text, "<"+name)
	return ok && rest != "" && strings.ContainsRune(" \t\r\n>/", rune(rest[0]))
}

// typedCSV reads the type line of a Windows PowerShell Export-Csv (§3a, §4).
func typedCSV(typeLine, text string) Format {
	switch {
	case strings.Contains(typeLine, "System.Diagnostics.EventLogEntry"):
		return EventLogCSV
	case strings.Contains(typeLine, "Eventing.Reader.EventLogRecord"):
		return WinEventCSV
	}
	_, rest, _ := strings.Cut(text, "\n")
	line, _, _ := strings.Cut(rest, "\n")
	return csvHeader(strings.TrimRight(line, "\r"))
}

// csvHeader recognises the header of a PowerShell CSV by its first column
// names, whatever the delimiter (-UseCulture writes the culture's list
// separator, often ';').
func csvHeader(line string) Format {
	if len(line) < 2 || line[0] != '"' {
		return Unknown
	}
	end := strings.IndexByte(line[1:], '"')
	if end < 0 || end+2 >= len(line) {
		return Unknown
	}
	sep := string(line[end+2])
	cols := strings.Split(line, sep)
	has := func(names ...string) bool {
		if len(cols) < len(names) {
			return false
		}
		for i, n := range names {
			if cols[i] != `"`+n+`"` {
				return false
			}
		}
		return true
	}
	switch {
	case has("Message", "Id", "Version", "Qualifiers", "Level"):
		return WinEventCSV
	case has("EventID", "MachineName", "Data", "Index"):
		return EventLogCSV
	}
	return Unknown
}
