//go:build !unix

package main

import "time"

// processCPU is 0 where the process's CPU time is not read (see
// cputime_unix.go).
func processCPU() time.Duration { return 0 }
