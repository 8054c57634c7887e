package main

import (
	"fmt"
	"io"
	"net"
)

// runPort prints a TCP port that is free on 127.0.0.1 at the time of the
// call, for the servers the benchmark starts.
func runPort(args []string, stdout io.Writer) error {
	if err := parse(flagSet("port"), args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	_, err = fmt.Fprintln(stdout, ln.Addr().(*net.TCPAddr).Port)
	return err
}
