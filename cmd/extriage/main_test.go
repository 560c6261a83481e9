package main

import (
	"os"
	"testing"
)

// runMainEnv makes the test binary run as extriage itself when it is set,
// so tests can start the real command as a process (to signal it) without
// a separate build.
const runMainEnv = "EXTRIAGE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}
