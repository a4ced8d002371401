package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// sendTo is send (diskfull_test.go) to a path of m's API, answering the
// status and the body.
func sendTo(t *testing.T, m *Main, token, method, path string, body any) (int, string) {
	t.Helper()
	a := send(t, method, "http://"+m.HTTPAddr()+path, token, body)
	return a.status, a.body
}

// publishRaw stores data on subject as an outsider with JetStream rights
// would: through a plain NATS publish, with no check of ours on the way.
func publishRaw(t *testing.T, m *Main, subject string, data []byte) uint64 {
	t.Helper()
	msg, err := m.conn.Request(subject, data, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var ack struct {
		Seq   uint64 `json:"seq"`
		Error any    `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &ack); err != nil || ack.Seq == 0 {
		t.Fatalf("publish on %s answered %s", subject, msg.Data)
	}
	return ack.Seq
}

func adminToken(t *testing.T, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(raw))
}

func TestAPoisonMessageIsQuarantinedBeforeAndAfterARestart(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	token := adminToken(t, dir)
	register := func(name string) string {
		code, body := sendTo(t, m, token, http.MethodPost, "/v1/people", map[string]any{"name": name, "email": strings.ReplaceAll(name, " ", ".") + "@example.com", "department": "Claims"})
		if code != http.StatusCreated {
			t.Fatalf("register %s: %d %s", name, code, body)
		}
		var p struct{ ID string }
		json.Unmarshal([]byte(body), &p)
		return p.ID
	}
	poisoned, other := register("Pia Poisoned"), register("Otto Other")

	// A well-formed event of a type this version does not know, as a newer
	// release would write it during a rolling upgrade.
	var newer map[string]any
	if err := m.Store().Read(context.Background(), events.FromSeq(1).Only("cx.person."+poisoned+".>"), func(r events.Record) error {
		return json.Unmarshal(r.Raw, &newer)
	}); err != nil {
		t.Fatal(err)
	}
	newer["id"], newer["type"] = events.NewID(), "cx.person.person_teleported"
	raw, _ := json.Marshal(newer)
	junk := publishRaw(t, m, "cx.person."+poisoned+".person_registered", []byte(`{"x":1}`))
	unknown := publishRaw(t, m, "cx.person."+poisoned+".person_teleported", raw)
	// Junk as the first event of a person the log has nothing else of.
	fresh := events.NewID()
	first := publishRaw(t, m, "cx.person."+fresh+".person_registered", []byte("not JSON at all"))

	check := func(m *Main) {
		t.Helper()
		if err := m.Projector().WaitFor(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		if code, body := get(t, "http://"+m.HTTPAddr()+"/readyz"); code != http.StatusOK {
			t.Fatalf("/readyz %d %s", code, body)
		}
		code, body := sendTo(t, m, token, http.MethodGet, "/v1/audit/quarantine", nil)
		var q api.QuarantineView
		if err := json.Unmarshal([]byte(body), &q); code != http.StatusOK || err != nil || q.Count != 3 {
			t.Fatalf("quarantine %d %s", code, body)
		}
		if it := q.Items[0]; it.Seq != junk || it.Kind != "undecodable" || it.Subject != "cx.person."+poisoned+".person_registered" || it.Reason == "" {
			t.Errorf("the junk is listed as %+v", it)
		}
		if it := q.Items[1]; it.Seq != unknown || it.Kind != "unknown_type" || it.Type != "cx.person.person_teleported" ||
			!strings.Contains(it.Reason, `unknown event type "cx.person.person_teleported", written by a newer version?`) {
			t.Errorf("the unknown type is listed as %+v", it)
		}
		_, metrics := get(t, "http://"+m.HTTPAddr()+"/metrics")
		for _, want := range []string{`cxtracker_quarantined_messages_total{kind="undecodable"} 2`, `cxtracker_quarantined_messages_total{kind="unknown_type"} 1`} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		code, body = sendTo(t, m, token, http.MethodPatch, "/v1/people/"+poisoned, map[string]any{"department": "Ops"})
		if want := fmt.Sprintf("holds seq %d, which is quarantined", junk); code != http.StatusConflict || !strings.Contains(body, want) {
			t.Errorf("a write to the poisoned person answered %d %s, want 409 with %q", code, body, want)
		}
		code, body = sendTo(t, m, token, http.MethodPatch, "/v1/people/"+fresh, map[string]any{"department": "Ops"})
		if want := fmt.Sprintf("holds seq %d, which is quarantined", first); code != http.StatusConflict || !strings.Contains(body, want) {
			t.Errorf("a write to the person whose first event is junk answered %d %s, want 409 with %q", code, body, want)
		}
		if code, body := sendTo(t, m, token, http.MethodPatch, "/v1/people/"+other, map[string]any{"department": "Ops"}); code != http.StatusOK {
			t.Errorf("a write to another person answered %d %s", code, body)
		}
		for _, path := range []string{"/v1/people/" + poisoned, "/v1/people/" + poisoned + "/history", "/v1/events"} {
			if code, body := sendTo(t, m, token, http.MethodGet, path, nil); code != http.StatusOK {
				t.Errorf("GET %s answered %d %s", path, code, body)
			}
		}
		if code, body := sendTo(t, m, token, http.MethodGet, "/v1/people/"+poisoned+"?as_of=2100-01-01T00:00:00Z", nil); code != http.StatusConflict || !strings.Contains(body, fmt.Sprintf("seq %d (", junk)) {
			t.Errorf("the poisoned person as of a time answered %d %s, want 409 naming seq %d", code, body, junk)
		}
	}
	check(m)
	m.Close()

	code, _, errs := runVerify(t, "--data", dir)
	for _, want := range []string{fmt.Sprintf("seq %d (cx.person.%s.person_registered) undecodable", junk, poisoned), fmt.Sprintf("seq %d (cx.person.%s.person_teleported) unknown_type", unknown, poisoned), "written by a newer version?"} {
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("verify answered %d %s, want it to name %q", code, errs, want)
		}
	}

	check(startMain(t, func(c *Config) { c.Data = dir }))
}

func TestATailDamagedBlockFileIsReportedNotWaitedFor(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *Config) { c.Data = dir })
	const marker = "Tilda Tailend"
	var (
		last uint64
		id   string
	)
	// The marker is a department: names are sealed in the log.
	for _, dept := range []string{"Claims", "Sales", marker} {
		id = events.NewID()
		res, err := m.Engine().Execute(context.Background(), events.RegisterPerson{PersonID: id, Name: "Person", Email: id + "@example.com", Department: dept}, events.Meta{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Appended.LastSeq
	}
	m.Close()
	jstest.Damage(t, dir, marker)

	code, _, errs := runVerify(t, "--data", dir)
	if want := fmt.Sprintf("seq %d is missing", last); code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("verify answered %d %s, want it to name %q", code, errs, want)
	}

	m = startMain(t, func(c *Config) { c.Data = dir })
	if code, body := get(t, "http://"+m.HTTPAddr()+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz %d %s", code, body)
	}
	token := adminToken(t, dir)
	_, body := sendTo(t, m, token, http.MethodGet, "/v1/audit/quarantine", nil)
	var q api.QuarantineView
	if err := json.Unmarshal([]byte(body), &q); err != nil || q.Count != 1 || q.Items[0].Seq != last || q.Items[0].Kind != "missing" {
		t.Fatalf("quarantine %s, want seq %d missing", body, last)
	}
	// Reads of the damaged person's own events end too.
	if code, body := sendTo(t, m, token, http.MethodGet, "/v1/people/"+id+"/history", nil); code != http.StatusNotFound {
		t.Errorf("the history of the person whose only event is damaged answered %d %s", code, body)
	}
	if code, body := sendTo(t, m, token, http.MethodGet, "/v1/people/"+id+"?as_of=2100-01-01T00:00:00Z", nil); code != http.StatusConflict || !strings.Contains(body, "cannot be read") {
		t.Errorf("the person whose only event is damaged, as of a time, answered %d %s", code, body)
	}
	// The log goes on after the damaged sequence.
	if code, body := sendTo(t, m, token, http.MethodPost, "/v1/people", map[string]any{"name": "Carl After", "email": "carl@example.com", "department": "Claims"}); code != http.StatusCreated {
		t.Fatalf("a write after the damage answered %d %s", code, body)
	}
}
