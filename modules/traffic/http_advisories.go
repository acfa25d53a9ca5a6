package traffic

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// AdvisoryList is a page of advisories.
type AdvisoryList struct {
	Items      []Advisory `json:"items"`
	NextCursor *string    `json:"next_cursor"`
} // @name AdvisoryList

// listAdvisories godoc
//
//	@Summary		Road closures and diversions
//	@Description	Public. By start time. Without active, those in force now and those to come; active=true only those in force now; active=false past ones too. An unknown sector code is 422.
//	@ID				listAdvisories
//	@Tags			traffic
//	@Produce		json
//	@Param			sector	query		string	false	"only those touching this sector code"
//	@Param			active	query		bool	false	"true: in force now; false: past ones too"
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	AdvisoryList
//	@Failure		400		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Router			/api/v1/traffic/advisories [get]
func (h *Handler) listAdvisories(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	f := AdvisoryFilter{Sector: c.QueryParam("sector")}
	if c.QueryParam("active") != "" {
		active, err := web.QueryBool(c, "active")
		if err != nil {
			return err
		}
		f.Active = &active
	}
	res, err := h.svc.Advisories(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AdvisoryList{Items: res.Items, NextCursor: res.NextCursor})
}

// publishAdvisory godoc
//
//	@Summary		Publish a road closure or diversion
//	@Description	For traffic admins. Sectors are codes of traffic sectors, each once; ends_at must be after starts_at and in the future. Citizens following any of its sectors are notified once each, shortly after. Honours Idempotency-Key.
//	@ID				publishAdvisory
//	@Tags			traffic administration
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"retry key (same key and body replay the first answer)"
//	@Param			body			body		AdvisoryInput	true	"the advisory"
//	@Success		201				{object}	Advisory
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/admin/traffic/advisories [post]
func (h *Handler) publishAdvisory(c echo.Context) error {
	var in AdvisoryInput
	if err := web.Bind(c, &in); domain.KindOf(err) == domain.Invalid {
		// One answer names what the sectors and clock refuse too.
		var errs domain.FieldErrors
		errs.Add(err)
		errs.Add(h.svc.CheckAdvisory(c.Request().Context(), in))
		return errs.Err()
	} else if err != nil {
		return err
	}
	a, err := h.svc.Publish(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// followedSectors godoc
//
//	@Summary		Sectors you follow
//	@Description	The codes of the traffic sectors whose advisories the caller is notified of.
//	@ID				getFollowedSectors
//	@Tags			traffic
//	@Produce		json
//	@Success		200	{object}	FollowedSectors
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/followed-sectors [get]
func (h *Handler) followedSectors(c echo.Context) error {
	out, err := h.svc.FollowedSectors(c.Request().Context(), web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// followSectors godoc
//
//	@Summary		Follow sectors
//	@Description	Replaces the sectors the caller follows; an empty list follows none. At most 20; a code named twice counts once; an unknown code is 422. Each advisory touching any of them is notified once.
//	@ID				followSectors
//	@Tags			traffic
//	@Accept			json
//	@Produce		json
//	@Param			body	body		FollowedSectors	true	"sector codes"
//	@Success		200		{object}	FollowedSectors
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/followed-sectors [put]
func (h *Handler) followSectors(c echo.Context) error {
	var in FollowedSectors
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.svc.FollowSectors(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
