package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// reportFormat is one format of the council report: the name the download
// link uses (also the file's extension) and the media type the API is
// asked for.
type reportFormat struct {
	name, media, label string
}

// reportFormats are the council report's formats (GET /v1/reports/council
// answers each by its Accept header).
var reportFormats = []reportFormat{
	{"md", "text/markdown", "Markdown"},
	{"csv", "text/csv", "CSV"},
	{"json", "application/json", "JSON"},
}

// reportFormatNames are the formats' names, in the order the links show.
var reportFormatNames = func() []string {
	out := make([]string, len(reportFormats))
	for i, f := range reportFormats {
		out[i] = f.name
	}
	return out
}()

// downloadLink is a link to the council report of a period in one format;
// ID is the link's element id.
type downloadLink struct {
	ID, Label, Href string
}

// downloadLinks are the links to the report of the days from to to in
// every format.
func downloadLinks(from, to string) []downloadLink {
	out := make([]downloadLink, len(reportFormats))
	for i, f := range reportFormats {
		q := url.Values{"format": {f.name}, "from": {from}, "to": {to}}
		out[i] = downloadLink{ID: "download-" + f.name, Label: f.label, Href: "/decisions/download?" + q.Encode()}
	}
	return out
}

// downloadCouncilReport answers the council report of a period of days as
// a file: GET /decisions/download?format=md|csv|json&from=YYYY-MM-DD&to=...
func (w *Web) downloadCouncilReport(c echo.Context) error {
	name, from, to := c.QueryParam("format"), c.QueryParam("from"), c.QueryParam("to")
	var format *reportFormat
	for i := range reportFormats {
		if reportFormats[i].name == name {
			format = &reportFormats[i]
		}
	}
	if format == nil {
		return &pageError{Status: http.StatusBadRequest, Title: "No such report format", Back: "/decisions",
			Detail: "The council report downloads as " + strings.Join(reportFormatNames, ", ") + "; the link asked for “" + name + "”."}
	}
	if from == "" {
		return &pageError{Status: http.StatusBadRequest, Title: "The report needs a period", Back: "/decisions",
			Detail: "Choose the period's first day (from) on the decision timeline, then download again."}
	}
	if to == "" {
		to = dayOf(w.now())
	}
	q, err := periodQuery(from, to)
	if err == nil {
		var rec *recorder
		rec, err = w.raw(c, http.MethodGet, "/v1/reports/council", q, nil, http.Header{"Accept": {format.media}})
		if err == nil {
			h := c.Response().Header()
			h.Set(echo.HeaderContentDisposition, `attachment; filename="council-report-`+from+`-`+to+`.`+format.name+`"`)
			return c.Blob(http.StatusOK, rec.Header().Get(echo.HeaderContentType), rec.body.Bytes())
		}
	}
	ae := formProblem(err)
	if ae == nil {
		return err
	}
	detail := ae.Problem.Detail
	for _, f := range ae.Problem.Errors {
		detail += " " + f.Field + " " + f.Message + "."
	}
	status := ae.Status
	if status == http.StatusUnprocessableEntity {
		status = http.StatusBadRequest // a period the report cannot cover is a bad link
	}
	return &pageError{Status: status, Title: "The report cannot be made for this period", Detail: detail, Back: "/decisions"}
}
