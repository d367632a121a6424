// Command capsule-etl moves data in bulk between files and Capsule CRM.
package main

import (
	"os"

	"github.com/capsule-etl/capsule-etl/cmd/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
