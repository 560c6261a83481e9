// Command extriage reads Windows event logs and message traces exported
// from Exchange servers, recognises known failure signatures and explains
// the incidents they add up to. See README.md.
package main

import "os"

func main() {
	tuneGC(os.Getenv)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
