package web

import (
	"net/http"
	"net/url"
	"slices"

	"cxtracker/api"
)

// formNotice is the API's problem shown above the form that caused it:
// its title and detail, and the messages of fields the form does not show
// (the others stand beside their fields). Stale says the entity changed
// since the page was drawn.
type formNotice struct {
	Title, Detail string
	Others        []api.FieldError
	Stale         bool
}

// noticeOf is the notice of ae for a form with these fields.
func noticeOf(ae *apiError, fields []string) *formNotice {
	if ae == nil {
		return nil
	}
	n := &formNotice{Title: ae.Problem.Title, Detail: ae.Problem.Detail}
	if ae.Status == http.StatusPreconditionFailed {
		n.Stale = true
		n.Title = "Someone changed this meanwhile"
		n.Detail = "It changed after your page was drawn, so nothing was written. The page now shows it as it is: check it, then send the form again."
	}
	for _, f := range ae.Problem.Errors {
		if !slices.Contains(fields, f.Field) {
			n.Others = append(n.Others, f)
		}
	}
	return n
}

// formState is the form of a page that was sent and refused: which form,
// what was typed into it (so it is not lost), and the API's problem. Its
// zero value is a page drawn without a refused form.
type formState struct {
	Name   string
	Values url.Values
	Err    *apiError
	// Fields are the form's fields, named as the API's request names them.
	Fields []string
}

// Failed reports whether the form called name was refused.
func (f formState) Failed(name string) bool { return f.Err != nil && f.Name == name }

// Notice is the problem to show above the form called name, or nil.
func (f formState) Notice(name string) *formNotice {
	if !f.Failed(name) {
		return nil
	}
	return noticeOf(f.Err, f.Fields)
}

// Value is what was typed into field of the form called name, when it was
// refused; "" otherwise.
func (f formState) Value(name, field string) string {
	if !f.Failed(name) {
		return ""
	}
	return f.Values.Get(field)
}

// Chose reports whether value was among those picked for field of the
// refused form called name.
func (f formState) Chose(name, field, value string) bool {
	return f.Failed(name) && slices.Contains(f.Values[field], value)
}

// FieldError is the API's message for field of the form called name, or "".
func (f formState) FieldError(name, field string) string {
	if !f.Failed(name) {
		return ""
	}
	return f.Err.FieldMessage(field)
}
