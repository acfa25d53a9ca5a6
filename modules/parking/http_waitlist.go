package parking

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// joinWaitlist godoc
//
//	@Summary		Wait for a place in a zone at quota
//	@Description	When the zone has no place for the permit you ask for (permit_type for months, 1 by default, starting today), puts your vehicle in the zone's line. Places that free up (a permit cancelled, revoked or rejected, an unpaid permit's 30 minutes running out, a permit ending, the quota raised) go to the zone's first in line whatever permit type they asked for, and are held for them, for 24 hours unless the service is configured otherwise; you are told by SMS and e-mail in your language. Nobody else can buy a held place. Accept it with POST /me/offers/{id}/accept: that reserves the permit, starting on the day you accept, priced at that day's tariff, as pending_payment with the usual 30 minutes to pay; an overdue challan on the vehicle refuses it (422) and the offer stays open until it expires. 409 while the zone has a place (buy the permit instead), when the vehicle has a permit in the zone for those days, or when it waits there already; 422 naming each field at fault: an unknown zone_id, a vehicle_id that is not one of your vehicles, a permit_type and months the zone sells no permit for.
//	@ID				joinParkingWaitlist
//	@Tags			parking
//	@Accept			json
//	@Produce		json
//	@Param			body	body		WaitlistRequest	true	"the zone, the permit type and months, and your vehicle"
//	@Success		201		{object}	offers.EntryView
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		413		{object}	web.Problem
//	@Failure		415		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/waitlist [post]
func (h *Handler) joinWaitlist(c echo.Context) error {
	var in WaitlistRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	res, err := h.svc.JoinWaitlist(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// waitlistLines godoc
//
//	@Summary		The zones' waitlists
//	@Description	The lines of zones at quota (one per zone), with how many wait and the live offers, soonest to expire first; zone_id keeps one zone's. Never who waits.
//	@ID				listParkingWaitlists
//	@Tags			parking administration
//	@Produce		json
//	@Param			zone_id	query		string	false	"zone ID"	format(uuid)
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	offers.LineList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/waitlists [get]
func (h *Handler) waitlistLines(c echo.Context) error {
	zoneID, err := web.QueryID(c, "zone_id")
	if err != nil {
		return err
	}
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Waitlists(c.Request().Context(), zoneID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, offers.LineList{Items: res.Items, NextCursor: res.NextCursor})
}
