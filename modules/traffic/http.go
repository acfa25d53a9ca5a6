package traffic

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the traffic module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// SectorList is a page of traffic sectors.
type SectorList struct {
	Items      []Sector `json:"items"`
	NextCursor *string  `json:"next_cursor"`
} // @name TrafficSectorList

// OffenceList is a page of the offence schedule.
type OffenceList struct {
	Items      []Offence `json:"items"`
	NextCursor *string   `json:"next_cursor"`
} // @name OffenceList

// ChallanList is a page of challans.
type ChallanList struct {
	Items      []Challan `json:"items"`
	NextCursor *string   `json:"next_cursor"`
} // @name ChallanList

// listSectors godoc
//
//	@Summary		List traffic sectors
//	@Description	Public. The city's traffic sectors by code: where challans are issued, what advisories name and citizens follow.
//	@ID				listTrafficSectors
//	@Tags			traffic
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	SectorList
//	@Failure		400		{object}	web.Problem
//	@Router			/api/v1/traffic/sectors [get]
func (h *Handler) listSectors(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Sectors(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SectorList{Items: res.Items, NextCursor: res.NextCursor})
}

// listOffences godoc
//
//	@Summary		The offence schedule
//	@Description	Public. Every offence with its fine, the late fine owed in its place after the due date, and the days to pay or contest.
//	@ID				listOffences
//	@Tags			traffic
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	OffenceList
//	@Failure		400		{object}	web.Problem
//	@Router			/api/v1/traffic/offences [get]
func (h *Handler) listOffences(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Offences(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, OffenceList{Items: res.Items, NextCursor: res.NextCursor})
}

// listChallans godoc
//
//	@Summary		Challans on your vehicles
//	@Description	The challans of the caller's vehicles, newest first: those issued while each vehicle was registered to the caller, never a plate's earlier owner's. Status overdue is read from the due date.
//	@ID				listChallans
//	@Tags			traffic
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ChallanList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/traffic/challans [get]
func (h *Handler) listChallans(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Challans(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ChallanList{Items: res.Items, NextCursor: res.NextCursor})
}

// getChallan godoc
//
//	@Summary		One of your challans
//	@Description	With its evidence link, place, time and history. Anyone else's is 404.
//	@ID				getChallan
//	@Tags			traffic
//	@Produce		json
//	@Param			id	path		string	true	"challan ID"	format(uuid)
//	@Success		200	{object}	Challan
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/traffic/challans/{id} [get]
func (h *Handler) getChallan(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	ch, err := h.svc.Challan(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

// payChallan godoc
//
//	@Summary		Pay a challan
//	@Description	Charges the fine, or the late fine after the due date, through the chosen provider (sandbox by default). Idempotency-Key is required; concurrent payments charge once. A contested, paid or cancelled challan is 409.
//	@ID				payChallan
//	@Tags			traffic
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string					true	"challan ID"	format(uuid)
//	@Param			Idempotency-Key	header		string					true	"a key unique to this payment"
//	@Param			body			body		PaymentRequest			true	"payment method and token"
//	@Success		200				{object}	Challan
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		404				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Failure		503				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/traffic/challans/{id}/payments [post]
func (h *Handler) payChallan(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in PaymentRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	ch, err := h.svc.Pay(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

// contestChallan godoc
//
//	@Summary		Contest a challan
//	@Description	Until contest_until (due_days after issue, Islamabad time), with a statement; the challan waits for the traffic authority's decision and cannot be paid meanwhile. A challan is contested once: later, a challan not issued, or one already decided is 409.
//	@ID				contestChallan
//	@Tags			traffic
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"challan ID"	format(uuid)
//	@Param			body	body		ContestRequest	true	"the statement"
//	@Success		200		{object}	Challan
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/traffic/challans/{id}/contest [post]
func (h *Handler) contestChallan(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in ContestRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	ch, err := h.svc.Contest(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

// lookupPlate godoc
//
//	@Summary		Look up a plate's unpaid challans
//	@Description	For traffic officers (any sector) and clients: the plate's issued, overdue and contested challans in every sector, newest first, without their holder. Each holder sees the look-up in their access log.
//	@ID				lookupPlate
//	@Tags			traffic administration
//	@Produce		json
//	@Param			plate	query		string	true	"number plate, any common spelling"
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ChallanList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[traffic.challans:issue]
//	@Security		OAuth2[traffic.challans:lookup]
//	@Router			/api/v1/traffic/lookup [get]
func (h *Handler) lookupPlate(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.PlateChallans(c.Request().Context(), c.QueryParam("plate"), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ChallanList{Items: res.Items, NextCursor: res.NextCursor})
}
