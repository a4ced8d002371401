package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/webhooks"
)

func (w *Web) webhookRoutes(g *echo.Group) {
	g.GET("/webhooks", w.webhooks)
	g.POST("/webhooks/:id/resume", w.resumeWebhook)
}

// webhooksShown is how many of each webhook's latest deliveries the page
// shows.
const webhooksShown = 10

// webhooksPage is every webhook, with its latest deliveries, for the CX
// team and the admin: the API answers anyone else 403, which is the roles
// page.
type webhooksPage struct {
	Hooks   []webhookRow
	Problem *apiError
}

type webhookRow struct {
	api.WebhookView
	Deliveries []webhooks.Delivery
}

// Paused says the webhook holds its events until it is resumed.
func (r webhookRow) Paused() bool { return r.Status == webhooks.StatusPaused }

var webhooksPageOf = page{name: "webhooks", title: "Webhooks", nav: "webhooks"}

func (w *Web) webhooks(c echo.Context) error {
	p, err := w.webhooksOf(c)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, webhooksPageOf, p)
}

// webhooksOf reads every webhook and its latest deliveries.
func (w *Web) webhooksOf(c echo.Context) (webhooksPage, error) {
	var list api.Page[api.WebhookView]
	if err := w.get(c, "/v1/webhooks", nil, &list); err != nil {
		return webhooksPage{}, err
	}
	var p webhooksPage
	for _, h := range list.Items {
		var d api.WebhookDeliveries
		if err := w.get(c, "/v1/webhooks/"+url.PathEscape(h.ID)+"/deliveries", nil, &d); err != nil {
			return webhooksPage{}, err
		}
		p.Hooks = append(p.Hooks, webhookRow{WebhookView: d.Webhook, Deliveries: d.Deliveries[:min(len(d.Deliveries), webhooksShown)]})
	}
	return p, nil
}

// resumeWebhook resumes a paused webhook through the API; a refusal is
// shown above the list.
func (w *Web) resumeWebhook(c echo.Context) error {
	err := w.call(c, http.MethodPost, "/v1/webhooks/"+url.PathEscape(c.Param("id"))+"/resume", nil, nil, nil)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/webhooks")
	}
	ae := formProblem(err)
	if ae == nil {
		return err
	}
	p, perr := w.webhooksOf(c)
	if perr != nil {
		return perr
	}
	p.Problem = ae
	return w.render(c, ae.Status, webhooksPageOf, p)
}
