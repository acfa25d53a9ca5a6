package health

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the health module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// FacilityList is a page of facilities.
type FacilityList struct {
	Items      []Facility `json:"items"`
	NextCursor *string    `json:"next_cursor"`
} // @name FacilityList

// PractitionerList is a page of practitioners.
type PractitionerList struct {
	Items      []Practitioner `json:"items"`
	NextCursor *string        `json:"next_cursor"`
} // @name PractitionerList

// SlotList is a page of slots.
type SlotList struct {
	Items      []Slot  `json:"items"`
	NextCursor *string `json:"next_cursor"`
} // @name SlotList

// listFacilities godoc
//
//	@Summary		Search hospitals and clinics
//	@Description	Public. Filter by specialty, sector and part of the name; ordered by name.
//	@ID				listFacilities
//	@Tags			health
//	@Produce		json
//	@Param			specialty	query		string	false	"specialty slug, e.g. cardiology"
//	@Param			sector		query		string	false	"sector, e.g. G-8/3"
//	@Param			q			query		string	false	"part of the name"
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	FacilityList
//	@Failure		400			{object}	web.Problem
//	@Router			/api/v1/health/facilities [get]
func (h *Handler) listFacilities(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	f := FacilityFilter{Specialty: c.QueryParam("specialty"), Sector: c.QueryParam("sector"), Q: c.QueryParam("q")}
	res, err := h.svc.Facilities(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, FacilityList{Items: res.Items, NextCursor: res.NextCursor})
}

// getFacility godoc
//
//	@Summary		Get a hospital or clinic
//	@Description	One hospital or clinic with its location and specialties.
//	@ID				getFacility
//	@Tags			health
//	@Produce		json
//	@Param			id	path		string	true	"facility ID"	format(uuid)
//	@Success		200	{object}	Facility
//	@Failure		400	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Router			/api/v1/health/facilities/{id} [get]
func (h *Handler) getFacility(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.svc.Facility(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// listPractitioners godoc
//
//	@Summary		List doctors
//	@Description	Public. Optionally of one facility or specialty; ordered by name.
//	@ID				listPractitioners
//	@Tags			health
//	@Produce		json
//	@Param			facility_id	query		string	false	"facility ID"	format(uuid)
//	@Param			specialty	query		string	false	"specialty slug"
//	@Param			limit		query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	PractitionerList
//	@Failure		400			{object}	web.Problem
//	@Router			/api/v1/health/practitioners [get]
func (h *Handler) listPractitioners(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	facilityID, err := web.QueryID(c, "facility_id")
	if err != nil {
		return err
	}
	res, err := h.svc.Practitioners(c.Request().Context(), facilityID, c.QueryParam("specialty"), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PractitionerList{Items: res.Items, NextCursor: res.NextCursor})
}

// listSlots godoc
//
//	@Summary		Search bookable slots
//	@Description	Public. Future slots with seats left, ordered by start, from now to 14 days ahead unless from and to say otherwise. An answer may be up to a second old (booking always checks the seat itself); send its ETag back in If-None-Match to be told 304 when it has not changed.
//	@ID				listSlots
//	@Tags			health
//	@Produce		json
//	@Param			If-None-Match	header		string	false	"the ETag of an earlier answer to the same search"
//	@Param			facility_id		query		string	false	"facility ID"		format(uuid)
//	@Param			practitioner_id	query		string	false	"practitioner ID"	format(uuid)
//	@Param			specialty		query		string	false	"specialty slug"
//	@Param			from			query		string	false	"earliest start (RFC 3339)"				format(date-time)
//	@Param			to				query		string	false	"latest start, exclusive (RFC 3339)"	format(date-time)
//	@Param			include_full	query		bool	false	"also list slots with no seats left"
//	@Param			limit			query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	SlotList
//	@Header			200				{string}	ETag			"the answer's entity tag"
//	@Header			200				{string}	Cache-Control	"public, max-age=1: a shared cache may keep the answer for a second"
//	@Success		304				"the answer whose ETag was sent has not changed"
//	@Header			304				{string}	ETag			"the answer's entity tag"
//	@Header			304				{string}	Cache-Control	"public, max-age=1"
//	@Failure		400				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Router			/api/v1/health/slots [get]
func (h *Handler) listSlots(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	var f SlotFilter
	if f.FacilityID, err = web.QueryID(c, "facility_id"); err != nil {
		return err
	}
	if f.PractitionerID, err = web.QueryID(c, "practitioner_id"); err != nil {
		return err
	}
	if f.From, _, err = web.QueryTime(c, "from"); err != nil {
		return err
	}
	if f.To, _, err = web.QueryTime(c, "to"); err != nil {
		return err
	}
	if f.IncludeFull, err = web.QueryBool(c, "include_full"); err != nil {
		return err
	}
	f.Specialty = c.QueryParam("specialty")
	res, err := h.svc.AvailableSlots(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	header := c.Response().Header()
	header.Set("Cache-Control", "public, max-age=1")
	header.Set("ETag", res.ETag)
	if web.Matches(c.Request().Header.Get("If-None-Match"), res.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	return web.SendCompressed(c, http.StatusOK, res.Compressed)
}
