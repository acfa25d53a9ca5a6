package parking

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// VehicleList is a page of vehicles.
type VehicleList struct {
	Items      []Vehicle `json:"items"`
	NextCursor *string   `json:"next_cursor"`
} // @name VehicleList

// PermitList is a page of permits.
type PermitList struct {
	Items      []Permit `json:"items"`
	NextCursor *string  `json:"next_cursor"`
} // @name PermitList

// addVehicle godoc
//
//	@Summary		Register a vehicle
//	@Description	Plates are normalised: "abc 123", "ABC123" and "ABC-123" are one plate (ABC-123). A plate registered to anyone is 409.
//	@ID				addVehicle
//	@Tags			parking
//	@Accept			json
//	@Produce		json
//	@Param			body	body		VehicleInput	true	"the vehicle"
//	@Success		201		{object}	Vehicle
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/vehicles [post]
func (h *Handler) addVehicle(c echo.Context) error {
	var in VehicleInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	v, err := h.svc.AddVehicle(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// listVehicles godoc
//
//	@Summary		Your vehicles
//	@Description	The vehicles registered to the caller, oldest first, with their normalised plates.
//	@ID				listVehicles
//	@Tags			parking
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	VehicleList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/vehicles [get]
func (h *Handler) listVehicles(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Vehicles(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, VehicleList{Items: res.Items, NextCursor: res.NextCursor})
}

// deleteVehicle godoc
//
//	@Summary		Remove a vehicle
//	@Description	Refused (409) while the vehicle has a live permit.
//	@ID				deleteVehicle
//	@Tags			parking
//	@Param			id	path	string	true	"vehicle ID"	format(uuid)
//	@Success		204
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/vehicles/{id} [delete]
func (h *Handler) deleteVehicle(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteVehicle(c.Request().Context(), web.Principal(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// buyPermit godoc
//
//	@Summary		Buy a parking permit
//	@Description	Priced from the zone's current tariff; holds a place in the zone's quota for 30 minutes until paid (then it reads expired_unpaid). Zone full or an overlapping permit for the vehicle in the zone: 409. Honours Idempotency-Key.
//	@ID				buyPermit
//	@Tags			parking
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"retry key (same key and body replay the first answer)"
//	@Param			body			body		PermitRequest	true	"vehicle, zone, type, start and months"
//	@Success		201				{object}	Permit
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits [post]
func (h *Handler) buyPermit(c echo.Context) error {
	var in PermitRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pm, err := h.svc.BuyPermit(c.Request().Context(), web.Principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, pm)
}

// payPermit godoc
//
//	@Summary		Pay for a permit
//	@Description	Idempotency-Key is required: the same key and body replay the first result, another body is 422, and a duplicate never charges twice. The permit becomes active, or pending_approval for a disabled permit. With the sandbox provider, payment_token "tok_decline" is declined (422).
//	@ID				payPermit
//	@Tags			parking
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			true	"retry key"
//	@Param			id				path		string			true	"permit ID"	format(uuid)
//	@Param			body			body		PaymentRequest	true	"payment method"
//	@Success		200				{object}	Permit
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		404				{object}	web.Problem
//	@Failure		409				{object}	web.Problem
//	@Failure		422				{object}	web.Problem
//	@Failure		503				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits/{id}/payments [post]
func (h *Handler) payPermit(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in PaymentRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pm, err := h.svc.Pay(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pm)
}

// listPermits godoc
//
//	@Summary		Your permits
//	@Description	The caller's permits, newest first, with status read from the dates (expired, expired_unpaid) and, when active, the QR verification token.
//	@ID				listPermits
//	@Tags			parking
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	PermitList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits [get]
func (h *Handler) listPermits(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Permits(c.Request().Context(), web.Principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PermitList{Items: res.Items, NextCursor: res.NextCursor})
}

// getPermit godoc
//
//	@Summary		One of your permits
//	@Description	An active permit carries verification_token, a compact JWS for its QR code that verifies offline against /.well-known/jwks.json. Each read signs a new one that lasts a day, so the app reads the permit at least daily to show a valid code.
//	@ID				getPermit
//	@Tags			parking
//	@Produce		json
//	@Param			id	path		string	true	"permit ID"	format(uuid)
//	@Success		200	{object}	Permit
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits/{id} [get]
func (h *Handler) getPermit(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	pm, err := h.svc.Permit(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pm)
}

// cancelPermit godoc
//
//	@Summary		Cancel one of your permits
//	@Description	A paid permit is refunded its whole remaining months (refund_pkr).
//	@ID				cancelPermit
//	@Tags			parking
//	@Produce		json
//	@Param			id	path		string	true	"permit ID"	format(uuid)
//	@Success		200	{object}	Permit
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Failure		409	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits/{id}/cancel [post]
func (h *Handler) cancelPermit(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	pm, err := h.svc.Cancel(c.Request().Context(), web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pm)
}

// renewPermit godoc
//
//	@Summary		Renew a permit
//	@Description	A new permit for the same vehicle, zone and type starting the day after this one ends, priced at today's tariff and pending payment. Like a new permit it may start at most 90 days ahead: a permit that ends later is refused (422 naming start_date, with the first day it can be renewed).
//	@ID				renewPermit
//	@Tags			parking
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string			true	"permit ID"	format(uuid)
//	@Param			body	body		RenewRequest	true	"months"
//	@Success		201		{object}	Permit
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		404		{object}	web.Problem
//	@Failure		409		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/parking/permits/{id}/renew [post]
func (h *Handler) renewPermit(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	var in RenewRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	pm, err := h.svc.Renew(c.Request().Context(), web.Principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, pm)
}

// verify godoc
//
//	@Summary		Check a plate
//	@Description	For enforcement officers: whether the plate has a valid permit in the zone today, with only what an officer needs. Revocation, cancellation and expiry show at once.
//	@ID				verifyPermit
//	@Tags			parking
//	@Produce		json
//	@Param			plate	query		string	true	"number plate, any common spelling"
//	@Param			zone_id	query		string	true	"zone ID"	format(uuid)
//	@Success		200		{object}	Verification
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Failure		422		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[parking.permits:verify]
//	@Router			/api/v1/parking/verify [get]
func (h *Handler) verify(c echo.Context) error {
	zoneID, err := web.QueryID(c, "zone_id")
	if err != nil {
		return err
	}
	if zoneID == "" {
		return domain.FieldMalformed("zone_id", "validation.required", nil)
	}
	if c.QueryParam("plate") == "" {
		return domain.FieldMalformed("plate", "validation.required", nil)
	}
	v, err := h.svc.Verify(c.Request().Context(), c.QueryParam("plate"), zoneID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// permitStatus godoc
//
//	@Summary		Permits withdrawn while their tokens may be live
//	@Description	A compact JWS (EdDSA, JOSE typ permit-status+jwt, aud citizenapi-permit) signed with the keys at /.well-known/jwks.json, as permit verification tokens are. Its payload's data.revoked lists the IDs of permits cancelled, revoked or rejected while a verification token issued for them may be unexpired; iat says when the list was made, exp when it is no longer worth reading. A change is listed within 60 seconds, on every instance. An officer's device that verifies permit tokens offline fetches it at least every minute when online, and refuses a permit whose ID it lists or whose token has expired.
//	@ID				getPermitStatus
//	@Tags			parking
//	@Produce		application/jwt
//	@Success		200	{string}	string	"the list, a compact JWS"
//	@Router			/.well-known/permit-status [get]
func (h *Handler) permitStatus(c echo.Context) error {
	jws, err := h.svc.PermitStatus(c.Request().Context())
	if err != nil {
		return err
	}
	// A cache may keep it as long as the instance does: a change still
	// reaches a device within a minute.
	c.Response().Header().Set("Cache-Control", "public, max-age=30")
	return c.Blob(http.StatusOK, "application/jwt", []byte(jws))
}
