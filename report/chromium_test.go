package report

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var screenshot = flag.String("screenshot", "", "keep the screenshot TestChromium takes in this file")

// consoleTrouble are what Chromium logs when a page runs a script that
// fails, breaks its Content-Security-Policy, or tries to load anything.
var consoleTrouble = []string{"Uncaught", "Content Security Policy", "Refused to", "Failed to load resource", "net::ERR_"}

// TestChromium renders the golden HTML report in headless Chromium: the
// page must draw (a screenshot with many colours, not blank) without a
// console error and without asking the network for anything. It skips
// when no Chromium is installed.
func TestChromium(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("chromium is not on PATH: the HTML report was not rendered (install chromium to run this test)")
	}
	page, err := filepath.Abs(filepath.Join("testdata", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(page); err != nil {
		t.Fatalf("%v (run go test ./report -update first)", err)
	}
	dir := t.TempDir()
	shot := filepath.Join(dir, "report.png")
	if *screenshot != "" {
		shot, _ = filepath.Abs(*screenshot)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-first-run", "--disable-extensions",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		// An unreachable proxy: any request the page made would fail and be
		// logged, where the check below finds it.
		"--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
		"--hide-scrollbars", "--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--window-size=1280,2400", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if !strings.Contains(line, "CONSOLE") && !strings.Contains(line, "Refused") && !strings.Contains(line, "net::") {
			continue // Chromium's own chatter (GPU, D-Bus) is not the page's
		}
		for _, bad := range consoleTrouble {
			if strings.Contains(line, bad) {
				t.Errorf("the page logged %q", line)
			}
		}
	}
	checkNotBlank(t, shot)
}

// checkNotBlank: the screenshot decodes, and has the colours and ink of a
// rendered report rather than an empty or error page.
func checkNotBlank(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	colours, inked := inkAndColours(img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	if colours < 200 || inked < total/50 {
		t.Errorf("screenshot looks blank: %d distinct colours, %d of %d pixels not white", colours, inked, total)
	}
	t.Logf("screenshot %s: %d distinct colours, %.1f%% of pixels not white", path, colours, 100*float64(inked)/float64(total))
}

func inkAndColours(img image.Image) (colours, inked int) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 0xf0 || g>>8 < 0xf0 || bl>>8 < 0xf0 {
				inked++
			}
		}
	}
	return len(seen), inked
}
