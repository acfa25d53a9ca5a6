package health

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/offers"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// joinWaitlist godoc
//
//	@Summary		Wait for a seat on a doctor's full day
//	@Description	When every seat of the doctor's day is taken, puts you (or a dependant) in line for it. A seat that frees up (a cancellation or a reschedule) is offered to the first in line and held for 30 minutes, or until shortly before the slot starts; you are told by SMS and e-mail in your language and accept it with POST /me/offers/{id}/accept. Nobody else can book a held seat. 409 while a seat is free (book it) or when the patient waits there already; 422 for a day without slots ahead.
//	@ID				joinHealthWaitlist
//	@Tags			health
//	@Accept			json
//	@Produce		json
//	@Param			body	body		WaitlistRequest	true	"the doctor, the day and, for a family member, dependant_id"
//	@Success		201		{object}	offers.EntryView
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		413		{object}	web.Problem
//	@Failure		415		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/health/waitlist [post]
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
//	@Summary		A facility's waitlists
//	@Description	Health staff see their facility's lines (a doctor's day each) with how many wait and the live offers, soonest to expire first; health admins any facility's, or every facility's without facility_id. Never who waits.
//	@ID				listHealthWaitlists
//	@Tags			health administration
//	@Produce		json
//	@Param			facility_id	query		string	false	"facility (staff: their own by default)"	format(uuid)
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	offers.LineList
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/health/waitlists [get]
func (h *Handler) waitlistLines(c echo.Context) error {
	facilityID, err := web.QueryID(c, "facility_id")
	if err != nil {
		return err
	}
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Waitlists(c.Request().Context(), web.Principal(c), facilityID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, offers.LineList{Items: res.Items, NextCursor: res.NextCursor})
}
