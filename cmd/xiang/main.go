// Command xiang turns dated GeoJSON campaign layers into map tiles, static
// images, animations and printable maps, and serves them over HTTP.
//
// Usage:
//
//	xiang <command> [flags]
//
// Run "xiang help" for the list of commands and "xiang <command> -h" for the
// flags of one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(env *env, args []string) error
}

// env is what a command reads and writes; tests replace it.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
}

var commands = map[string]command{
	"validate": {"check a campaign directory and report its problems (the first 100, and a count)", runValidate},
	"tile":     {"render one XYZ tile as PNG", runTile},
	"export":   {"write the layers as GeoJSON (the features visible on a date), KML, KMZ or CSV", runExport},
	"import":   {"read CSV, KML, KMZ, GPX and GeoJSON files into a campaign directory", runImport},
	"static":   {"render a static PNG map centred on a point, fitting a box or the layers", runStatic},
	"print":    {"render a printable map (PDF or PNG) with legend, scale bar and sources", runPrint},
	"animate":  {"render an animated GIF of the campaign over time", runAnimate},
	"atlas":    {"render a campaign atlas (PDF): a cover, one sheet per date, the sources", runAtlas},
	"serve":    {"serve tiles, TileJSON and the layer API over HTTP", runServe},
	"seed":     {"render tiles of a box, zooms and dates into PMTiles or MBTiles archives (resumable)", runSeed},
	"site":     {"build a static web site (viewer, tiles stored once across dates) for any static host", runSite},
}

// errUsage marks an error the command has already explained with its usage.
var errUsage = errors.New("usage")

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	os.Exit(run(&env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}, os.Args[1:]))
}

// run executes the command line and returns the exit status: 0 success,
// 1 failure, 2 bad usage.
func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "xiang: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return 2
	}
	err := cmd.run(e, args[1:])
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ee):
		fmt.Fprintf(e.stderr, "xiang %s: %v\n", args[0], ee.err)
		return ee.code
	}
	fmt.Fprintf(e.stderr, "xiang %s: %v\n", args[0], err)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "xiang turns dated GeoJSON campaign layers into map tiles, images and prints.")
	fmt.Fprintln(w, "\nUsage: xiang <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"xiang <command> -h\" for a command's flags.")
}

// flagSet returns a FlagSet that reports errors instead of exiting.
func flagSet(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("xiang "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: xiang %s %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; a bad flag is a usage error (exit 2), -h is success.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// isTerminal reports whether w is a terminal, where long work shows its
// progress.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// parseNoArgs parses flags, as parse, and refuses positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// usageErr reports a bad flag value as a usage error, with the usage.
func usageErr(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}
