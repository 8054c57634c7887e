// Command xiang-bench is the Go side of xiang's benchmark (bench/run.sh):
// it generates the synthetic campaign and the tile list, renders the list
// cold with xiang, fetches tiles from a running server for nginx to serve,
// compares xiang's tiles with a peer's, and assembles the report.
//
// Usage:
//
//	xiang-bench gen     -out DIR
//	xiang-bench render  [-data DIR] -tiles FILE [-date D] [-workers N] [-png DIR] -json FILE
//	xiang-bench fetch   -base URL -tiles FILE -root DIR -prefix PATH -json FILE
//	xiang-bench compare -a DIR -b DIR -tiles FILE -json FILE
//	xiang-bench merc    -in FILE -out FILE
//	xiang-bench bytes   -a DIR -b DIR -tiles FILE -json FILE
//	xiang-bench seed    -xiang BIN -workers N -o DIR -json FILE -- [xiang seed flags]
//	xiang-bench profile [-date D] [-every N] [-level L [-filter F]] [-cpuprofile FILE]
//	xiang-bench report  -dir DIR -out FILE [-md FILE]
//	xiang-bench port
//	xiang-bench wait    -url URL [-timeout D] [-o FILE]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: what it does and its entry point.
type command struct {
	summary string
	run     func(args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"gen":     {"write the synthetic campaign at densities 1 and 10, its Web Mercator copies and the tile list", runGen},
	"render":  {"render a tile list cold with a fresh renderer and time every tile", runRender},
	"fetch":   {"fetch every tile of a list from a server once, save the bytes for nginx and check a second fetch", runFetch},
	"compare": {"compare two directories of z/x/y.png tiles pixel by pixel", runCompare},
	"merc":    {"project a GeoJSON FeatureCollection to Web Mercator for Mapnik", runMerc},
	"bytes":   {"compare the sizes of the same tiles in two directories and check their pixels agree", runBytes},
	"seed":    {"time one run of xiang seed", runSeed},
	"profile": {"a fixed rendering or encoding workload on the campaign, for callgrind and pprof", runProfile},
	"report":  {"assemble the results of a run into a table and JSON", runReport},
	"port":    {"print a free TCP port on 127.0.0.1", runPort},
	"wait":    {"wait until a URL answers 200", runWait},
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "xiang-bench:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		usage()
		return errUsage
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "xiang-bench: unknown command %q\n", args[0])
		usage()
		return errUsage
	}
	if err := c.run(args[1:], stdout); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: xiang-bench COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", n, commands[n].summary)
	}
}

// flagSet returns a flag set for a subcommand that reports errors instead
// of exiting.
func flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("xiang-bench "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

// parse parses args and rejects positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// required reports the first empty flag among names.
func required(fs *flag.FlagSet, names ...string) error {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil && f.Value.String() == "" {
			fmt.Fprintf(os.Stderr, "%s: -%s is required\n", fs.Name(), n)
			fs.Usage()
			return errUsage
		}
	}
	return nil
}

// writeJSON writes v, indented, to the file path.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// readJSON reads the file path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
