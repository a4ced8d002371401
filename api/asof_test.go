package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"cxtracker/events"
)

func TestEntitiesAsTheyStoodAtATimeOrSequence(t *testing.T) {
	a := startAPI(t)
	id := registerPeople(t, a, 1)[0]
	var before struct {
		Name string `json:"name"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id, nil).JSON(t, &before)
	time.Sleep(20 * time.Millisecond)
	mid := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)
	name := "Renamed Person"
	res, err := a.Engine.Execute(context.Background(), events.ChangePersonDetails{PersonID: id, Name: &name}, events.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var now, then, bySeq struct {
		Name string `json:"name"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id, nil).JSON(t, &now)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"?as_of="+url.QueryEscape(mid), nil).JSON(t, &then)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"?as_of="+strconv.FormatUint(res.Appended.LastSeq-1, 10), nil).JSON(t, &bySeq)
	if now.Name != name || then.Name != before.Name || bySeq.Name != before.Name {
		t.Fatalf("now %q, as of a time %q, as of a sequence %q; before the change it was %q", now.Name, then.Name, bySeq.Name, before.Name)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/people/"+id+"?as_of=1", nil) // seq 1 is the admin token
	a.Must(http.StatusUnprocessableEntity, http.MethodGet, "/v1/people/"+id+"?as_of=yesterday", nil)
}
