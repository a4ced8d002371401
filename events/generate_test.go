package events

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The files generated from the catalogue (the JSON Schema of each event
// type in schemas/, the catalogue in EVENTS.md and the corpus example of
// each new current version in testdata/) are written by one command, run
// after adding or changing an event type: go generate ./events. Its
// directive below runs this package's tests with -generate, so that
// TestMain writes the files before the tests check them. The tests that
// read these files fail, naming generateCommand, when a file is missing or
// no longer matches the Go types.
//
//go:generate go test -count=1 -run TestPublishedSchemasMatchTheTypes -generate
const generateCommand = "go generate ./events"

var generate = flag.Bool("generate", false, "write the files generated from the catalogue; run through "+generateCommand)

// TestMain writes the generated files first when asked to, so that the
// tests that check them, run after it, read what was written.
func TestMain(m *testing.M) {
	flag.Parse()
	if *generate {
		if err := writeGenerated(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// writeGenerated rewrites every schema and EVENTS.md's catalogue, and adds
// the corpus examples that are missing.
func writeGenerated() (err error) {
	// The helpers report through a testing.TB: a failure is turned into
	// the error of the command.
	tb := &generateTB{}
	defer func() {
		if r := recover(); r != nil && r != tb {
			panic(r)
		}
		if tb.failed != "" {
			err = fmt.Errorf("%s: %s", generateCommand, tb.failed)
		}
	}()
	for _, et := range EventTypes() {
		if err := os.WriteFile(schemaFile(et), schemaJSON(tb, et), 0o644); err != nil {
			return err
		}
	}
	doc, err := os.ReadFile("EVENTS.md")
	if err != nil {
		return err
	}
	before, rest, ok1 := strings.Cut(string(doc), catalogueStart)
	_, after, ok2 := strings.Cut(rest, catalogueEnd)
	if !ok1 || !ok2 {
		return fmt.Errorf("EVENTS.md has no catalogue markers")
	}
	if err := os.WriteFile("EVENTS.md", []byte(before+catalogueStart+"\n"+catalogueMarkdown()+catalogueEnd+after), 0o644); err != nil {
		return err
	}
	writeMissingExamples(tb)
	return nil
}

// generateTB is the testing.TB the generating helpers report to outside a
// test: Fatal stops the generation with its message.
type generateTB struct {
	testing.TB
	failed string
}

func (g *generateTB) Helper()                    {}
func (g *generateTB) Logf(f string, args ...any) { fmt.Printf(f+"\n", args...) }
func (g *generateTB) Fatal(args ...any) {
	g.failed = fmt.Sprint(args...)
	panic(g)
}

// filledExample is a value of the payload type t with every field set, for
// the corpus example of a type nobody wrote one for by hand: ids are ids,
// a field ending in _by names a person, other text names its field,
// numbers are 1, flags true, times fixed, and each list holds one element.
func filledExample(t reflect.Type) Payload {
	v := reflect.New(t).Elem()
	fill(v, "")
	return v.Interface().(Payload)
}

func fill(v reflect.Value, name string) {
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(testTime))
		return
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), name)
		return
	}
	switch v.Kind() {
	case reflect.String:
		switch {
		case strings.HasSuffix(name, "_by"):
			// A person who did something, as proposed_by and decided_by.
			v.SetString(ann)
		case name == "id" || strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids"):
			v.SetString(id(600))
		default:
			v.SetString("example " + strings.ReplaceAll(name, "_", " "))
		}
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		v.Set(reflect.ValueOf(1).Convert(v.Type()))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), name)
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			json, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fill(v.Field(i), json)
		}
	default:
		panic(fmt.Sprintf("events: no example value for %s", v.Type()))
	}
}
