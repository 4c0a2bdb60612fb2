package main

import "os"

// envOr returns the environment variable name, or def when it is unset or empty. Every
// variable the binary reads goes through here; README.md's "Configuration" table lists
// them.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
