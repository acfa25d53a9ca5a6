package home

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// WaitlistList is a page of the caller's places in line.
type WaitlistList struct {
	Items      []offers.EntryView `json:"items"`
	NextCursor *string            `json:"next_cursor"`
} // @name WaitlistList

// waitlists godoc
//
//	@Summary		Your places in every waitlist
//	@Description	Every line you joined, in health (a doctor's full day), education (a school grade) and parking (a zone at quota), newest first. A waiting entry has its position (1 is next); an entry with a live offer shows it with its expires_at. An offer past expires_at reads lapsed at once.
//	@ID				listWaitlists
//	@Tags			home
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	WaitlistList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/waitlists [get]
func (h *Handler) waitlists(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Waitlists(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WaitlistList{Items: res.Items, NextCursor: res.NextCursor})
}

// leaveWaitlist godoc
//
//	@Summary		Leave a waitlist
//	@Description	Takes your place out of its line (status left). A live offer it holds is declined and goes to the next in line. Leaving a school grade's line withdraws the application.
//	@ID				leaveWaitlist
//	@Tags			home
//	@Produce		json
//	@Param			id	path		string	true	"waitlist entry ID"	format(uuid)
//	@Success		200	{object}	offers.EntryView
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem	"served or left already"
//	@Security		BearerAuth
//	@Router			/api/v1/me/waitlists/{id} [delete]
func (h *Handler) leaveWaitlist(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	res, err := h.svc.LeaveWaitlist(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// acceptOffer godoc
//
//	@Summary		Accept an offered place
//	@Description	Takes the place with its service's rules, in one transaction: health books the appointment, education accepts the seat, parking reserves a permit as pending_payment with its usual 30 minutes to pay. result_id names what was made. 409 when the offer is no longer live (accepted, declined or past expires_at) or the service's rules refuse it (the offer then stays live until it expires).
//	@ID				acceptOffer
//	@Tags			home
//	@Produce		json
//	@Param			id	path		string	true	"offer ID"	format(uuid)
//	@Success		200	{object}	offers.OfferView
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem
//	@Failure		422	{object}	web.Problem	"the service's rules refuse the place (a vehicle with an overdue challan)"
//	@Security		BearerAuth
//	@Router			/api/v1/me/offers/{id}/accept [post]
func (h *Handler) acceptOffer(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	res, err := h.svc.AcceptOffer(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// declineOffer godoc
//
//	@Summary		Decline an offered place
//	@Description	Gives the place up; it is offered to the next in line at once, and your place in the line ends (status left).
//	@ID				declineOffer
//	@Tags			home
//	@Produce		json
//	@Param			id	path		string	true	"offer ID"	format(uuid)
//	@Success		200	{object}	offers.OfferView
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem	"no longer live"
//	@Security		BearerAuth
//	@Router			/api/v1/me/offers/{id}/decline [post]
func (h *Handler) declineOffer(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	res, err := h.svc.DeclineOffer(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
