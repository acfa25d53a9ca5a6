package parking

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// createZone godoc
//
//	@Summary		Add a parking zone
//	@Description	A new parking zone with its permit quota and its tariffs (permit type, months, price in whole rupees; 0 PKR is a free permit).
//	@ID				createZone
//	@Tags			parking administration
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ZoneInput	true	"the zone with its quota and tariffs"
//	@Success		201		{object}	Zone
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/zones [post]
func (h *Handler) createZone(c echo.Context) error {
	var in ZoneInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	z, err := h.svc.CreateZone(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, z)
}

// updateZone godoc
//
//	@Summary		Change a zone, its quota or tariffs
//	@Description	Tariff changes apply to new permits only; a sold permit keeps its price.
//	@ID				updateZone
//	@Tags			parking administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string		true	"zone ID"	format(uuid)
//	@Param			body	body		ZoneChange	true	"fields to change"
//	@Success		200		{object}	Zone
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/zones/{id} [patch]
func (h *Handler) updateZone(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in ZoneChange
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	z, err := h.svc.UpdateZone(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, z)
}

// adminPermits godoc
//
//	@Summary		List permits
//	@Description	Every permit, newest first, optionally by status, for the parking authority's review (disabled permits wait in pending_approval).
//	@ID				listAllPermits
//	@Tags			parking administration
//	@Produce		json
//	@Param			status	query		string	false	"status as of now"	Enums(pending_payment, pending_approval, active, expired, expired_unpaid, cancelled, revoked, rejected)
//	@Param			zone_id	query		string	false	"zone ID"			format(uuid)
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	PermitList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/permits [get]
func (h *Handler) adminPermits(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	var f PermitFilter
	if f.ZoneID, err = web.QueryID(c, "zone_id"); err != nil {
		return err
	}
	f.Status = c.QueryParam("status")
	res, err := h.svc.AdminPermits(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PermitList{Items: res.Items, NextCursor: res.NextCursor})
}

func (h *Handler) verdict(c echo.Context, act func(s *Service, id string, v Verdict) (Permit, error)) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in Verdict
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pm, err := act(h.svc, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pm)
}

// approvePermit godoc
//
//	@Summary		Approve a paid disabled permit
//	@Description	Approves a paid disabled permit that waits in pending_approval: it becomes active and the holder is told.
//	@ID				approvePermit
//	@Tags			parking administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string	true	"permit ID"	format(uuid)
//	@Param			body	body		Verdict	true	"reason"
//	@Success		200		{object}	Permit
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/permits/{id}/approve [post]
func (h *Handler) approvePermit(c echo.Context) error {
	return h.verdict(c, func(s *Service, id string, v Verdict) (Permit, error) { return s.Approve(c.Request().Context(), id, v) })
}

// rejectPermit godoc
//
//	@Summary		Reject a paid disabled permit
//	@Description	The permit is refunded in full.
//	@ID				rejectPermit
//	@Tags			parking administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string	true	"permit ID"	format(uuid)
//	@Param			body	body		Verdict	true	"reason"
//	@Success		200		{object}	Permit
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/permits/{id}/reject [post]
func (h *Handler) rejectPermit(c echo.Context) error {
	return h.verdict(c, func(s *Service, id string, v Verdict) (Permit, error) { return s.Reject(c.Request().Context(), id, v) })
}

// revokePermit godoc
//
//	@Summary		Revoke an active permit
//	@Description	Takes effect at once, for plate checks too. A reason is required.
//	@ID				revokePermit
//	@Tags			parking administration
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string	true	"permit ID"	format(uuid)
//	@Param			body	body		Verdict	true	"reason"
//	@Success		200		{object}	Permit
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/parking/permits/{id}/revoke [post]
func (h *Handler) revokePermit(c echo.Context) error {
	return h.verdict(c, func(s *Service, id string, v Verdict) (Permit, error) { return s.Revoke(c.Request().Context(), id, v) })
}
