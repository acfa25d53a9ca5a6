package integrations

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// SubscriptionList is a page of subscriptions.
type SubscriptionList struct {
	Items      []Subscription `json:"items"`
	NextCursor *string        `json:"next_cursor"`
} // @name SubscriptionList

// DeliveryList is a page of webhook deliveries.
type DeliveryList struct {
	Items      []Delivery `json:"items"`
	NextCursor *string    `json:"next_cursor"`
} // @name DeliveryList

// subscribe godoc
//
//	@Summary		Subscribe to events
//	@Description	Events: appointment.booked and appointment.cancelled (health.appointments:read, your facility's only), permit.activated and permit.revoked (parking.permits:verify), application.decided (education.schools:read, your school's only), challan.issued, challan.paid, challan.contested and challan.decided (traffic.challans:lookup), advisory.published (traffic.advisories:read), offer.made, offer.accepted and offer.lapsed (waitlists:read). The URL must be https and resolve to a public address. The signing secret is shown once.
//	@ID				createWebhook
//	@Tags			integrations
//	@Accept			json
//	@Produce		json
//	@Param			body	body		NewSubscription	true	"URL and events"
//	@Success		201		{object}	SubscriptionWithSecret
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[webhooks:manage]
//	@Router			/api/v1/integrations/webhooks [post]
func (h *Handler) subscribe(c echo.Context) error {
	var in NewSubscription
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	sub, err := h.svc.Subscribe(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sub)
}

// listSubscriptions godoc
//
//	@Summary		Your webhook subscriptions
//	@Description	The calling client's active webhook subscriptions, oldest first; the signing secret was shown only when each was made.
//	@ID				listWebhooks
//	@Tags			integrations
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	SubscriptionList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[webhooks:manage]
//	@Router			/api/v1/integrations/webhooks [get]
func (h *Handler) listSubscriptions(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Subscriptions(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SubscriptionList{Items: res.Items, NextCursor: res.NextCursor})
}

// unsubscribe godoc
//
//	@Summary		Delete a webhook subscription
//	@Description	Ends a subscription: no further events are sent to it and its pending deliveries are dropped.
//	@ID				deleteWebhook
//	@Tags			integrations
//	@Param			id	path	string	true	"subscription ID"	format(uuid)
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[webhooks:manage]
//	@Router			/api/v1/integrations/webhooks/{id} [delete]
func (h *Handler) unsubscribe(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Unsubscribe(c.Request().Context(), web.Principal(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listDeliveries godoc
//
//	@Summary		A subscription's delivery log
//	@Description	Newest first, with attempts, the receiver's last status and the next retry. Deliveries are retried with exponential backoff for 24 hours.
//	@ID				listWebhookDeliveries
//	@Tags			integrations
//	@Produce		json
//	@Param			id		path		string	true	"subscription ID"	format(uuid)
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	DeliveryList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[webhooks:manage]
//	@Router			/api/v1/integrations/webhooks/{id}/deliveries [get]
func (h *Handler) listDeliveries(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Deliveries(c.Request().Context(), web.Principal(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DeliveryList{Items: res.Items, NextCursor: res.NextCursor})
}

// redeliver godoc
//
//	@Summary		Send a delivery again
//	@Description	Queues the event again as a new delivery with the same event ID.
//	@ID				redeliverWebhook
//	@Tags			integrations
//	@Produce		json
//	@Param			id			path		string	true	"subscription ID"	format(uuid)
//	@Param			delivery_id	path		string	true	"delivery ID"		format(uuid)
//	@Success		202			{object}	Delivery
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[webhooks:manage]
//	@Router			/api/v1/integrations/webhooks/{id}/deliveries/{delivery_id}/redeliver [post]
func (h *Handler) redeliver(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	deliveryID, err := web.PathID(c, "delivery_id")
	if err != nil {
		return err
	}
	d, err := h.svc.Redeliver(c.Request().Context(), web.Principal(c), id, deliveryID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, d)
}
